import type { Actor } from '../../domain/actor.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from './locking.ts';
import { isRequestId, type RequestRow } from './store.ts';
import { transition } from './transition.ts';

/** Who may revoke: the owning API client, or a person (the requester or a routed approver). */
export type Revoker = Extract<Actor, { type: 'user' }> | (Extract<Actor, { type: 'service' }> & { clientId: string });

/** Whether `actor` may revoke this request's grant; a service only its own requests. */
export function mayRevoke(
  actor: Revoker,
  request: Pick<RequestRow, 'apiClientId' | 'requesterSlackId' | 'approverIds'>,
): boolean {
  if (actor.type === 'service') return request.apiClientId === actor.clientId;
  return actor.id === request.requesterSlackId || request.approverIds.includes(actor.id);
}

/**
 * **Revoke access**: ends an approved, unspent grant (`approved → revoked`), recording who and why.
 * A service asking about someone else's request is told it does not exist; a person who may not
 * revoke gets `forbidden`. Both are audited (`revoke.refused`), as is revoking what is no longer
 * approved (409: `already_executed`, `revoked`, `lapsed`, or `conflict`).
 */
export async function revokeGrant(
  deps: CoreDeps,
  input: { requestId: string; actor: Revoker; reason?: string | null },
): Promise<RequestRow> {
  const { actor, requestId } = input;
  let changed = false;
  const result = await withLockedRequest(deps, requestId, async (tx, locked, now) => {
    if (locked === null) return { kind: 'not_found' as const, request: null };
    changed = locked.expiredNow;
    const { request } = locked;
    const refuse = async (reason: string) => {
      await recordAudit(tx, { requestId, type: 'revoke.refused', actor, details: { reason, status: request.status } });
      return { kind: reason === 'not_owner' ? ('not_found' as const) : ('refused' as const), reason, request };
    };
    if (actor.type === 'service' && !mayRevoke(actor, request)) return refuse('not_owner');
    if (!mayRevoke(actor, request)) return refuse('not_allowed');
    if (request.status !== 'approved') return refuse('not_approved');
    const revoked = await transition(tx, request, 'revoked', { at: now, actor, reason: input.reason ?? null });
    changed = true;
    return { kind: 'revoked' as const, request: revoked };
  });
  if (changed && result.request !== null) await deps.effects.requestsChanged([result.request]);
  if (result.kind === 'revoked') return result.request;
  if (result.kind === 'not_found' || result.request === null) {
    throw new AppError('not_found', isRequestId(requestId) ? `no request ${requestId}` : 'no such request');
  }
  if (result.reason === 'not_allowed') {
    throw new AppError('forbidden', 'only the requester or an approver of this request can revoke its access');
  }
  const status = result.request.status;
  if (status === 'executed')
    throw new AppError('already_executed', 'the grant was already executed; nothing to revoke');
  if (status === 'revoked') throw new AppError('revoked', 'the grant was already revoked');
  if (status === 'lapsed') throw new AppError('lapsed', 'the grant already lapsed unused');
  throw new AppError('conflict', `request is ${status}: only an approved request's access can be revoked`);
}
