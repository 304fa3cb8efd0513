import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkStageEligibility, type StageRule, type StageVote, stageProgress } from '../../../src/domain/decision.ts';

const LEADS: StageRule = { name: 'Team leads', requiredApprovals: 1, approverIds: ['UL1', 'UL2'] };
const SECURITY: StageRule = { name: 'Security', requiredApprovals: 2, approverIds: ['US1', 'US2', 'US3'] };
const CHAIN = [LEADS, SECURITY];

const vote = (voterId: string, stage: number | null, decision: 'approve' | 'deny' = 'approve'): StageVote => ({
  voterId,
  decision,
  stage,
});

describe('stage progress', () => {
  it('completes stages in order, each by its own approvals', () => {
    expect(stageProgress(CHAIN, [])).toEqual({ status: 'pending', current: 0, approvedBy: [[], []] });
    expect(stageProgress(CHAIN, [vote('UL1', 0)])).toMatchObject({ status: 'pending', current: 1 });
    expect(stageProgress(CHAIN, [vote('UL1', 0), vote('US1', 1)])).toMatchObject({ status: 'pending', current: 1 });
    expect(stageProgress(CHAIN, [vote('UL1', 0), vote('US1', 1), vote('US2', 1)])).toEqual({
      status: 'approved',
      current: 2,
      approvedBy: [['UL1'], ['US1', 'US2']],
    });
  });

  it('does not let later-stage approvals stand in for an earlier stage', () => {
    // Two approvals recorded for stage 1 never complete stage 0.
    expect(stageProgress(CHAIN, [vote('US1', 1), vote('US2', 1)])).toMatchObject({ status: 'pending', current: 0 });
  });

  it('denies on any deny, whatever the stage', () => {
    expect(stageProgress(CHAIN, [vote('UL1', 0), vote('US1', 1, 'deny')]).status).toBe('denied');
  });
});

describe('stage eligibility', () => {
  const check = (userId: string, votes: StageVote[] = [], stages = CHAIN) =>
    checkStageEligibility({ userId, requesterId: 'UREQ', stages, votes });

  it('lets only the current stage vote', () => {
    expect(check('UL1')).toEqual({ verdict: 'eligible', stage: 0 });
    expect(check('US1')).toEqual({ verdict: 'stage_not_started', stage: 1 });
    expect(check('UL2', [vote('UL1', 0)])).toEqual({ verdict: 'not_in_current_stage', stage: 1 });
    expect(check('US1', [vote('UL1', 0)])).toEqual({ verdict: 'eligible', stage: 1 });
    expect(check('UX')).toEqual({ verdict: 'not_an_approver' });
  });

  it('refuses the requester even when listed in a stage', () => {
    expect(check('UREQ', [], [{ ...LEADS, approverIds: ['UREQ', 'UL1'] }])).toEqual({ verdict: 'self_approval' });
  });

  it('counts a person listed in two stages once, in the first stage they vote in', () => {
    const stages = [LEADS, { ...SECURITY, approverIds: ['UL1', 'US1', 'US2'] }];
    expect(check('UL1', [], stages)).toEqual({ verdict: 'eligible', stage: 0 });
    expect(check('UL1', [vote('UL1', 0)], stages)).toEqual({ verdict: 'already_voted' });
    // Not having voted in stage 0, they may vote in stage 1 once it is current.
    expect(check('UL1', [vote('UL2', 0)], stages)).toEqual({ verdict: 'eligible', stage: 1 });
  });
});

describe('chains (property)', () => {
  const USERS = ['UREQ', 'U1', 'U2', 'U3', 'U4', 'U5'];
  const stageArb = fc.record({
    name: fc.constantFrom('A', 'B', 'C'),
    approverIds: fc.uniqueArray(fc.constantFrom(...USERS), { minLength: 1, maxLength: 4 }),
    requiredApprovals: fc.integer({ min: 1, max: 3 }),
  });
  const attemptArb = fc.record({ userId: fc.constantFrom(...USERS), decision: fc.constantFrom('approve', 'deny') });

  it('no sequence of votes approves without every stage reaching its quorum, in order, by its own approvers', () => {
    fc.assert(
      fc.property(
        fc.array(stageArb, { minLength: 1, maxLength: 3 }),
        fc.array(attemptArb, { maxLength: 30 }),
        (stages, attempts) => {
          const votes: StageVote[] = [];
          let status: 'approved' | 'denied' | 'pending' = 'pending';
          for (const attempt of attempts) {
            if (status !== 'pending') break;
            const check = checkStageEligibility({ userId: attempt.userId, requesterId: 'UREQ', stages, votes });
            if (check.verdict !== 'eligible') continue;
            votes.push({
              voterId: attempt.userId,
              decision: attempt.decision as 'approve' | 'deny',
              stage: check.stage,
            });
            status = stageProgress(stages, votes).status;
          }
          // Nobody votes twice, the requester never votes, and every vote is by an approver of its stage.
          expect(new Set(votes.map((v) => v.voterId)).size).toBe(votes.length);
          expect(votes.some((v) => v.voterId === 'UREQ')).toBe(false);
          for (const v of votes) expect(stages[v.stage as number]?.approverIds).toContain(v.voterId);
          // Replayed independently: each vote was cast in the stage that was current at that moment.
          let done = 0;
          const counted = stages.map(() => 0);
          for (const v of votes) {
            expect(v.stage).toBe(done);
            if (v.decision === 'approve') counted[done] = (counted[done] ?? 0) + 1;
            while (done < stages.length && (counted[done] ?? 0) >= (stages[done]?.requiredApprovals ?? 0)) done += 1;
          }
          if (status === 'approved') {
            expect(done).toBe(stages.length);
            expect(votes.every((v) => v.decision === 'approve')).toBe(true);
          } else {
            expect(status === 'denied' ? votes.at(-1)?.decision : 'pending').toBe(
              status === 'denied' ? 'deny' : 'pending',
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
