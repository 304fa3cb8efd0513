import type { UserOrClientActor } from '../../domain/actor.ts';
import { AppError } from '../../errors.ts';
import { auditRefusal } from '../audit/refusal.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from './locking.ts';
import { isRequestId, type RequestRow } from './store/reads.ts';
import { transition } from './transition.ts';

function owns(actor: UserOrClientActor, request: RequestRow): boolean {
  return actor.type === 'service' ? request.apiClientId === actor.clientId : request.requesterSlackId === actor.id;
}

/**
 * Cancels a pending request on behalf of the service that created it, or of its requester. Someone
 * else's request is reported as missing (ids are not an oracle across owners), and the attempt is
 * audited. A request past its deadline is expired instead, and the cancel refused as late.
 */
export async function cancelRequest(
  deps: CoreDeps,
  input: { requestId: string; actor: UserOrClientActor; reason?: string | null },
): Promise<RequestRow> {
  const { actor } = input;
  let expiredNow = false;
  const result = await withLockedRequest(deps, input.requestId, async (tx, locked, now) => {
    if (locked === null) return { kind: 'not_found' as const };
    expiredNow = locked.expiredNow;
    const { request } = locked;
    if (!owns(actor, request)) {
      await auditRefusal(tx, { requestId: request.id, type: 'cancel.refused', actor, reason: 'not_owner' });
      return { kind: 'not_found' as const };
    }
    if (request.status !== 'pending') {
      const details = { status: request.status };
      await auditRefusal(tx, { requestId: request.id, type: 'cancel.refused', actor, reason: 'not_pending', details });
      return { kind: 'late' as const, request };
    }
    const cancelled = await transition(tx, request, 'cancelled', { at: now, actor, reason: input.reason ?? null });
    return { kind: 'cancelled' as const, request: cancelled };
  });
  if (result.kind !== 'not_found' && (result.kind === 'cancelled' || expiredNow)) {
    await deps.effects.requestsChanged([result.request]);
  }
  if (result.kind === 'not_found') {
    // Only a well-formed id is echoed: the message may be shown in Slack.
    throw new AppError('not_found', isRequestId(input.requestId) ? `no request ${input.requestId}` : 'no such request');
  }
  if (result.kind === 'late') {
    throw new AppError(
      'conflict',
      `request is already ${result.request.status}; only pending requests can be cancelled`,
    );
  }
  return result.request;
}
