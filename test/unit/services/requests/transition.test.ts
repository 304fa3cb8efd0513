import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canTransition, isFinal, REQUEST_STATUSES } from '../../../../src/domain/request-status.ts';
import { ForbiddenTransitionError, transitionColumns } from '../../../../src/services/requests/transition.ts';

const status = fc.constantFrom(...REQUEST_STATUSES);

describe('transitionColumns (the state machine guard every status write passes)', () => {
  it('writes a status exactly when the domain table has the edge', () => {
    fc.assert(
      fc.property(status, status, fc.option(fc.integer({ min: 10, max: 86400 })), (from, to, grantSeconds) => {
        const change = { at: new Date('2026-01-01T00:00:00Z'), actor: { type: 'user' as const, id: 'U1' } };
        if (canTransition(from, to)) {
          expect(transitionColumns({ status: from, grantSeconds }, to, change).status).toBe(to);
        } else {
          expect(() => transitionColumns({ status: from, grantSeconds }, to, change)).toThrow(ForbiddenTransitionError);
        }
      }),
    );
  });

  it('starts the grant window at the approval, and records who decided', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const columns = transitionColumns({ status: 'pending', grantSeconds: 600 }, 'approved', {
      at,
      actor: { type: 'service', id: 'deploy-bot' },
    });
    expect(columns).toMatchObject({
      decidedAt: at,
      decidedBy: 'service:deploy-bot',
      grantExpiresAt: new Date('2026-01-01T00:10:00Z'),
    });
  });

  it('lets nothing leave a final status', () => {
    for (const from of REQUEST_STATUSES.filter(isFinal)) {
      for (const to of REQUEST_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
  });
});
