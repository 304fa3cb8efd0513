import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canTransition, isFinal, REQUEST_STATUSES } from '../../../../src/domain/request-status.ts';
import { ForbiddenTransitionError, transitionColumns } from '../../../../src/services/requests/transition.ts';

const status = fc.constantFrom(...REQUEST_STATUSES);
const grant = { token: 't', id: 'g1', kid: 'k1', expiresAt: new Date('2026-01-01T00:10:00Z') };

describe('transitionColumns (the state machine guard every status write passes)', () => {
  it('writes a status exactly when the domain table has the edge', () => {
    fc.assert(
      fc.property(status, status, (from, to) => {
        const change = { at: new Date('2026-01-01T00:00:00Z'), actor: { type: 'user' as const, id: 'U1' }, grant };
        if (canTransition(from, to)) {
          expect(transitionColumns({ status: from }, to, change).status).toBe(to);
        } else {
          expect(() => transitionColumns({ status: from }, to, change)).toThrow(ForbiddenTransitionError);
        }
      }),
    );
  });

  it('records the grant with an approval, and who decided', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const columns = transitionColumns({ status: 'pending' }, 'approved', {
      at,
      actor: { type: 'service', id: 'deploy-bot' },
      grant,
    });
    expect(columns).toMatchObject({
      decidedAt: at,
      decidedBy: 'service:deploy-bot',
      grantExpiresAt: grant.expiresAt,
      grantId: grant.id,
      grantKid: grant.kid,
      grantToken: grant.token,
    });
  });

  it('refuses an approval without a grant', () => {
    const change = { at: new Date('2026-01-01T00:00:00Z'), actor: { type: 'user' as const, id: 'U1' } };
    expect(() => transitionColumns({ status: 'pending' }, 'approved', change)).toThrow(/grant/);
  });

  it('records who ended a grant unused, and when it was executed', () => {
    const at = new Date('2026-01-01T00:05:00Z');
    const actor = { type: 'user' as const, id: 'U1' };
    expect(transitionColumns({ status: 'approved' }, 'revoked', { at, actor, reason: 'wrong host' })).toEqual({
      status: 'revoked',
      grantEndedAt: at,
      grantEndedBy: 'U1',
      grantEndReason: 'wrong host',
    });
    expect(transitionColumns({ status: 'approved' }, 'executed', { at, actor })).toEqual({
      status: 'executed',
      executedAt: at,
    });
  });

  it('lets nothing leave a final status', () => {
    for (const from of REQUEST_STATUSES.filter(isFinal)) {
      for (const to of REQUEST_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
  });
});
