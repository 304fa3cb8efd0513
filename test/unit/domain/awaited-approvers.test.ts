import { describe, expect, it } from 'vitest';
import { awaitedApprovers, type StageRule, type StageVote } from '../../../src/domain/decision.ts';

const LEADS: StageRule = { name: 'Team leads', requiredApprovals: 1, approverIds: ['UL1', 'UL2'] };
const SECURITY: StageRule = { name: 'Security', requiredApprovals: 2, approverIds: ['US1', 'US2', 'UREQ'] };
const vote = (voterId: string, stage: number | null): StageVote => ({ voterId, decision: 'approve', stage });
const awaited = (stages: StageRule[] | null, votes: StageVote[] = []) =>
  awaitedApprovers({ approverIds: ['UA', 'UB', 'UREQ'], stages, votes, requesterId: 'UREQ' });

describe('awaited approvers', () => {
  it('without stages: every approver who has not voted, never the requester', () => {
    expect(awaited(null)).toEqual(['UA', 'UB']);
    expect(awaited(null, [vote('UA', null)])).toEqual(['UB']);
  });

  it('with stages: only the current stage, not a later one before it starts', () => {
    expect(awaited([LEADS, SECURITY])).toEqual(['UL1', 'UL2']);
    expect(awaited([LEADS, SECURITY], [vote('UL2', 0)])).toEqual(['US1', 'US2']);
    expect(awaited([LEADS, SECURITY], [vote('UL2', 0), vote('US1', 1)])).toEqual(['US2']);
  });

  it('nobody once every stage is done', () => {
    expect(awaited([LEADS], [vote('UL1', 0)])).toEqual([]);
  });
});
