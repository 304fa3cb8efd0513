import { describe, expect, it } from 'vitest';
import { skipAwayApprovers } from '../../../../src/services/routing/away-routing.ts';

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
