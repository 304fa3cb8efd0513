import type { ClientActor } from '../../domain/actor.ts';
import { AppError } from '../../errors.ts';
import { auditRefusal } from '../audit/refusal.ts';
import { type GrantClaims, InvalidGrantError } from '../grants/grants.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from './locking.ts';
import { isRequestId, type RequestRow } from './store/reads.ts';
import { transition } from './transition.ts';

/** Why a grant cannot be spent, once it verified: the request's grant has ended, or was never given. */
const ENDED: Partial<Record<RequestRow['status'], { code: 'already_executed' | 'revoked' | 'lapsed'; says: string }>> =
  {
    executed: { code: 'already_executed', says: 'the grant was already executed' },
    revoked: { code: 'revoked', says: 'the grant was revoked' },
    lapsed: { code: 'lapsed', says: 'the grant lapsed unused' },
  };

/**
 * Spends a request's grant: `approved → executed`, exactly once. The token must be this request's
 * current grant, signed by us and unaltered; the request must be the client's own. A token past its
 * window is the grant lapsing (409 `lapsed`), not a forgery, when it is this request's grant. Every
 * refusal of a real request is audited (`execute.refused`).
 */
export async function executeRequest(
  deps: CoreDeps,
  input: { requestId: string; actor: ClientActor; token: string },
): Promise<RequestRow> {
  const { actor, requestId } = input;
  let claims: GrantClaims | undefined;
  let invalid: InvalidGrantError | undefined;
  try {
    claims = await deps.grants.verify(input.token);
  } catch (error) {
    if (!(error instanceof InvalidGrantError)) throw error;
    invalid = error;
    // An expired token still names its request and grant; anything else names nothing we trust.
    if (error.expired) claims = error.claims;
  }
  let changed = false;
  const result = await withLockedRequest(deps, requestId, async (tx, locked, now) => {
    if (locked === null || locked.request.apiClientId !== actor.clientId) {
      if (locked !== null) {
        await auditRefusal(tx, { requestId, type: 'execute.refused', actor, reason: 'not_owner' });
      }
      return { kind: 'not_found' as const };
    }
    changed = locked.expiredNow;
    const { request } = locked;
    const refuse = async (reason: string) => {
      await auditRefusal(tx, {
        requestId,
        type: 'execute.refused',
        actor,
        reason,
        details: { status: request.status },
      });
      return { kind: 'refused' as const, reason, request };
    };
    const isThisGrant = claims !== undefined && claims.sub === request.id && claims.jti === request.grantId;
    if (!isThisGrant || (invalid !== undefined && !invalid.expired)) return refuse('invalid_grant');
    // The window ends on a whole second, the token's `exp`, so lockCurrent has lapsed an expired grant already.
    if (request.status === 'approved' && invalid?.expired) return refuse('lapsed');
    const ended = ENDED[request.status];
    if (ended !== undefined) return refuse(ended.code);
    if (request.status !== 'approved') return refuse('not_approved');
    const executed = await transition(tx, request, 'executed', { at: now, actor });
    changed = true;
    return { kind: 'executed' as const, request: executed };
  });
  if (changed && result.kind !== 'not_found') await deps.effects.requestsChanged([result.request]);
  if (result.kind === 'not_found') {
    throw new AppError('not_found', isRequestId(requestId) ? `no request ${requestId}` : 'no such request');
  }
  if (result.kind === 'executed') return result.request;
  if (result.reason === 'invalid_grant') {
    throw new AppError(
      'invalid_grant',
      invalid?.message && !invalid.expired
        ? invalid.message
        : 'the grant is not the current grant of this request (another request, expired or altered)',
    );
  }
  const ended = result.reason === 'lapsed' ? ENDED.lapsed : ENDED[result.request.status];
  if (ended !== undefined) throw new AppError(ended.code, ended.says);
  throw new AppError('conflict', `request is ${result.request.status}: only an approved request can be executed`);
}
