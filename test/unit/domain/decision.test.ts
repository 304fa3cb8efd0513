import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEligibility, tally } from '../../../src/domain/decision.ts';
import { canonicalJson, hashParameters } from '../../../src/domain/params-hash.ts';
import { canTransition, isFinal, REQUEST_STATUSES } from '../../../src/domain/request-status.ts';

describe('state machine', () => {
  it('leaves pending only to a decision, and approved only to its grant outcomes', () => {
    expect(REQUEST_STATUSES.filter((to) => canTransition('pending', to))).toEqual([
      'approved',
      'denied',
      'expired',
      'cancelled',
    ]);
    expect(REQUEST_STATUSES.filter((to) => canTransition('approved', to))).toEqual(['executed', 'revoked', 'lapsed']);
    for (const status of ['denied', 'expired', 'cancelled', 'executed', 'revoked', 'lapsed'] as const) {
      expect(isFinal(status)).toBe(true);
    }
    expect(canTransition('denied', 'approved')).toBe(false);
  });
});

describe('eligibility', () => {
  it('never lets a requester decide, even when routed as an approver', () => {
    expect(checkEligibility({ userId: 'U1', requesterId: 'U1', approverIds: ['U1', 'U2'] })).toBe('self_approval');
    expect(checkEligibility({ userId: 'U3', requesterId: 'U1', approverIds: ['U1', 'U2'] })).toBe('not_an_approver');
    expect(checkEligibility({ userId: 'U2', requesterId: 'U1', approverIds: ['U1', 'U2'] })).toBe('eligible');
  });
});

describe('tally', () => {
  const vote = fc.record({
    voterId: fc.constantFrom('U1', 'U2', 'U3', 'U4', 'U5'),
    decision: fc.constantFrom('approve', 'deny') as fc.Arbitrary<'approve' | 'deny'>,
  });

  it('denies on any deny, approves on N distinct approvers, else stays pending', () => {
    fc.assert(
      fc.property(fc.array(vote, { maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (votes, required) => {
        const outcome = tally(votes, required);
        const distinct = new Set(votes.filter((v) => v.decision === 'approve').map((v) => v.voterId)).size;
        if (votes.some((v) => v.decision === 'deny')) return outcome === 'denied';
        return outcome === (distinct >= required ? 'approved' : 'pending');
      }),
    );
  });

  it('does not count the same approver twice', () => {
    expect(
      tally(
        [
          { voterId: 'U1', decision: 'approve' },
          { voterId: 'U1', decision: 'approve' },
        ],
        2,
      ),
    ).toBe('pending');
  });
});

describe('parameter binding', () => {
  it('hashes equal parameters equally whatever the key order, and different ones differently', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1 }), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
        (context) => {
          const reversed = Object.fromEntries(Object.entries(context).reverse());
          const a = hashParameters({ action: 'x', resource: 'y', environment: null, context });
          const b = hashParameters({ action: 'x', resource: 'y', environment: null, context: reversed });
          const c = hashParameters({ action: 'x', resource: 'y2', environment: null, context });
          return a === b && a !== c;
        },
      ),
    );
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });
});
