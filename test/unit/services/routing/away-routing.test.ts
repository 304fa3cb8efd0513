import { describe, expect, it } from 'vitest';
import { skipAwayApprovers, skipAwayInStages } from '../../../../src/services/routing/away-routing.ts';

const UNTIL = new Date('2026-12-12T09:00:00Z');
const away = (entries: Record<string, string | null>) =>
  new Map(Object.entries(entries).map(([user, delegateId]) => [user, { until: UNTIL, delegateId }]));
const R = 'U0REQUEST1';

describe('skipAwayApprovers', () => {
  it('changes nothing when nobody routed is away', () => {
    expect(skipAwayApprovers(['UA', 'UB'], away({ UX: 'UY' }), { requesterId: R, requiredApprovals: 1 })).toEqual({
      approverIds: ['UA', 'UB'],
      notes: null,
    });
  });

  it('replaces an away approver with their delegate and notes it', () => {
    const routed = skipAwayApprovers(['UA', 'UB'], away({ UA: 'UD' }), { requesterId: R, requiredApprovals: 2 });
    expect(routed).toEqual({
      approverIds: ['UB', 'UD'],
      notes: { away: [{ user: 'UA', until: UNTIL.toISOString(), delegate: 'UD' }], everyoneAway: false },
    });
  });

  it('counts a delegate already routed once', () => {
    const routed = skipAwayApprovers(['UA', 'UB', 'UC'], away({ UA: 'UB' }), { requesterId: R, requiredApprovals: 1 });
    expect(routed.approverIds).toEqual(['UB', 'UC']);
  });

  it('never delegates to the requester or to someone away; the rest of the list answers', () => {
    const routed = skipAwayApprovers(['UA', 'UB', 'UC'], away({ UA: R, UB: 'UE', UE: null }), {
      requesterId: R,
      requiredApprovals: 1,
    });
    expect(routed.approverIds).toEqual(['UC']);
    expect(routed.notes?.away.map((note) => note.delegate)).toEqual([null, null]);
    expect(routed.approverIds).not.toContain(R);
  });

  it('asks everyone (with usable delegates) when too few are left for the quorum', () => {
    const routed = skipAwayApprovers(['UA', 'UB'], away({ UA: null }), { requesterId: R, requiredApprovals: 2 });
    expect(routed).toMatchObject({ approverIds: ['UA', 'UB'], notes: { everyoneAway: true } });
    const all = skipAwayApprovers(['UA', 'UB'], away({ UA: 'UD', UB: null }), { requesterId: R, requiredApprovals: 3 });
    expect(all).toMatchObject({ approverIds: ['UA', 'UB', 'UD'], notes: { everyoneAway: true } });
  });

  it('does not count the requester towards the quorum left', () => {
    const routed = skipAwayApprovers([R, 'UA'], away({ UA: null }), { requesterId: R, requiredApprovals: 1 });
    expect(routed).toMatchObject({ approverIds: [R, 'UA'], notes: { everyoneAway: true } });
  });
});

describe('skipAwayInStages', () => {
  const stage = (approverIds: string[], requiredApprovals = 1) => ({ approverIds, requiredApprovals });

  it('changes nothing when nobody routed is away', () => {
    expect(skipAwayInStages([stage(['UA']), stage(['UB'])], away({ UX: null }), R)).toEqual({
      stageApprovers: [['UA'], ['UB']],
      notes: null,
    });
  });

  it('replaces an away approver with their delegate within their stage, and notes the stage', () => {
    const routed = skipAwayInStages([stage(['UA', 'UB']), stage(['UC'])], away({ UC: 'UD' }), R);
    expect(routed).toEqual({
      stageApprovers: [['UA', 'UB'], ['UD']],
      notes: {
        away: [{ user: 'UC', until: UNTIL.toISOString(), delegate: 'UD', stage: 1 }],
        everyoneAway: false,
        everyoneAwayStages: [],
      },
    });
  });

  it('never lets someone routed to, or standing in for, another stage stand in (one person, one stage)', () => {
    // UA's delegate is in stage 2; UC's delegate already stands in for UB in stage 1.
    const routed = skipAwayInStages(
      [stage(['UA', 'UB', 'UE']), stage(['UC', 'UF'])],
      away({ UA: 'UF', UB: 'UD', UC: 'UD' }),
      R,
    );
    expect(routed.stageApprovers).toEqual([['UE', 'UD'], ['UF']]);
    expect(routed.notes?.away.map((note) => [note.user, note.delegate, note.stage])).toEqual([
      ['UA', null, 0],
      ['UB', 'UD', 0],
      ['UC', null, 1],
    ]);
  });

  it('asks everyone in a stage left short of its quorum, and says which', () => {
    const routed = skipAwayInStages([stage(['UA', 'UB']), stage(['UC', 'UD'], 2)], away({ UA: null, UC: null }), R);
    expect(routed.stageApprovers).toEqual([['UB'], ['UC', 'UD']]);
    expect(routed.notes).toMatchObject({ everyoneAway: false, everyoneAwayStages: [1] });
    const all = skipAwayInStages([stage(['UA'])], away({ UA: null }), R);
    expect(all).toMatchObject({ stageApprovers: [['UA']], notes: { everyoneAway: true, everyoneAwayStages: [0] } });
  });
});
