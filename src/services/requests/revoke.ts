import type { UserOrClientActor } from '../../domain/actor.ts';
import { AppError } from '../../errors.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { auditRefusal } from '../audit/refusal.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from './locking.ts';
import { isRequestId, type RequestRow } from './store.ts';
import { transition } from './transition.ts';

/** Whether `actor` may revoke this request's grant; a service only its own requests. */
export function mayRevoke(
  actor: UserOrClientActor,
  request: Pick<RequestRow, 'apiClientId' | 'requesterSlackId' | 'approverIds'>,
): boolean {
  if (actor.type === 'service') return request.apiClientId === actor.clientId;
  return actor.id === request.requesterSlackId || request.approverIds.includes(actor.id);
}

type Screened =
  | { kind: 'not_found'; request: null }
  | { kind: 'refused'; reason: 'not_owner' | 'not_allowed' | 'not_approved'; request: RequestRow }
  | { kind: 'ok'; request: RequestRow };

/**
 * The checks a revocation passes, under the row lock: the request exists, the actor may revoke it,
 * and it is still approved. A refusal is audited (`revoke.refused`).
 */
async function screen(
  tx: Prisma.TransactionClient,
  locked: { request: RequestRow } | null,
  actor: UserOrClientActor,
): Promise<Screened> {
  if (locked === null) return { kind: 'not_found', request: null };
  const { request } = locked;
  const reason = !mayRevoke(actor, request)
    ? actor.type === 'service'
      ? 'not_owner'
      : 'not_allowed'
    : request.status !== 'approved'
      ? 'not_approved'
      : null;
  if (reason === null) return { kind: 'ok', request };
  await auditRefusal(tx, {
    requestId: request.id,
    type: 'revoke.refused',
    actor,
    reason,
    details: { status: request.status },
  });
  return { kind: 'refused', reason, request };
}

/** The error a refused revocation answers with: a service asking about another's request is told it does not exist. */
function refusal(requestId: string, screened: Exclude<Screened, { kind: 'ok' }>): AppError {
  if (screened.kind === 'not_found' || screened.reason === 'not_owner') {
    return new AppError('not_found', isRequestId(requestId) ? `no request ${requestId}` : 'no such request');
  }
  if (screened.reason === 'not_allowed') {
    return new AppError('forbidden', 'only the requester or an approver of this request can revoke its access');
  }
  const status = screened.request.status;
  if (status === 'executed')
    return new AppError('already_executed', 'the grant was already executed; nothing to revoke');
  if (status === 'revoked') return new AppError('revoked', 'the grant was already revoked');
  if (status === 'lapsed') return new AppError('lapsed', 'the grant already lapsed unused');
  return new AppError('conflict', `request is ${status}: only an approved request's access can be revoked`);
}

/**
 * **Revoke access**: ends an approved, unspent grant (`approved → revoked`), recording who and why.
 * A service asking about someone else's request is told it does not exist; a person who may not
 * revoke gets `forbidden`. Both are audited (`revoke.refused`), as is revoking what is no longer
 * approved (409: `already_executed`, `revoked`, `lapsed`, or `conflict`).
 */
export async function revokeGrant(
  deps: CoreDeps,
  input: { requestId: string; actor: UserOrClientActor; reason?: string | null },
): Promise<RequestRow> {
  const { actor, requestId } = input;
  let changed = false;
  const result = await withLockedRequest(deps, requestId, async (tx, locked, now) => {
    changed = locked?.expiredNow ?? false;
    const screened = await screen(tx, locked, actor);
    if (screened.kind !== 'ok') return screened;
    const revoked = await transition(tx, screened.request, 'revoked', { at: now, actor, reason: input.reason ?? null });
    changed = true;
    return { kind: 'ok' as const, request: revoked };
  });
  if (changed && result.request !== null) await deps.effects.requestsChanged([result.request]);
  if (result.kind !== 'ok') throw refusal(requestId, result);
  return result.request;
}

/**
 * Whether `actor` could revoke the request now, before asking them why (Slack's Revoke access opens
 * a reason form only then). Changes nothing but the audit trail: a refusal is audited and thrown
 * exactly as `revokeGrant` would; otherwise the request is returned as it stands.
 */
export async function precheckRevoke(
  deps: CoreDeps,
  input: { requestId: string; actor: UserOrClientActor },
): Promise<RequestRow> {
  let expiredNow = false;
  const result = await withLockedRequest(deps, input.requestId, async (tx, locked) => {
    expiredNow = locked?.expiredNow ?? false;
    return screen(tx, locked, input.actor);
  });
  if (expiredNow && result.request !== null) await deps.effects.requestsChanged([result.request]);
  if (result.kind !== 'ok') throw refusal(input.requestId, result);
  return result.request;
}
