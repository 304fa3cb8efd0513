import { z } from 'zod';
import { actingFor, actorKey, type UserOrClientActor } from '../../domain/actor.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { auditRefusal } from '../audit/refusal.ts';
import type { CoreDeps } from '../ports.ts';
import { ZReason } from './input.ts';
import { withLockedRequest } from './locking.ts';
import { bumpRequestVersion } from './store/changes.ts';
import { getRequest, isRequestId, type RequestRow } from './store/reads.ts';

/** The longest a grant may live from its approval, however often it is extended (30 days). */
export const MAX_GRANT_LIFETIME_SECONDS = 30 * 24 * 3600;
/** The shortest extension worth asking for: the same floor as every workflow delay. */
export const MIN_EXTENSION_SECONDS = 10;

/** The body of `POST /api/v1/requests/:id/extend`. */
export const ZExtendBody = z
  .object(
    {
      seconds: z
        .int({ error: 'must be a whole number of seconds' })
        .min(MIN_EXTENSION_SECONDS, `must be at least ${MIN_EXTENSION_SECONDS}`)
        .max(MAX_GRANT_LIFETIME_SECONDS, `must be at most ${MAX_GRANT_LIFETIME_SECONDS} (30 days)`)
        .meta({
          description:
            'How much longer the grant should stay usable, added to its current expiry. A grant lives at most 30 days from its approval.',
          examples: [3600],
        }),
      reason: ZReason.meta({
        description: 'Why more time is needed, shown to the approvers.',
        examples: ['The migration runs longer than planned'],
      }),
    },
    { error: 'must be a JSON object' },
  )
  .strict()
  .meta({ description: 'Asks the request’s approvers to extend its approved, unspent grant.' });
export type TExtendBody = z.infer<typeof ZExtendBody>;

/** The latest a request's grant may be extended to: 30 days after its approval, on a whole second. */
export function grantLifetimeEnd(request: Pick<RequestRow, 'decidedAt' | 'grantExpiresAt'>): Date {
  const from = request.decidedAt ?? request.grantExpiresAt ?? new Date(0);
  return new Date(Math.floor(from.getTime() / 1000 + MAX_GRANT_LIFETIME_SECONDS) * 1000);
}

type Refusal = 'not_owner' | 'not_requester' | 'not_approved' | 'pending_extension' | 'too_long';

/** The coded error a refused extension request answers with (403/404 as other verbs; 409 for its state). */
function refusal(requestId: string, reason: Refusal, request: RequestRow | null): AppError {
  switch (reason) {
    case 'not_owner':
      return new AppError('not_found', isRequestId(requestId) ? `no request ${requestId}` : 'no such request');
    case 'not_requester':
      return new AppError('forbidden', 'only the requester (or the service that asked) can ask to extend this grant');
    case 'pending_extension':
      return new AppError('conflict', 'an extension of this grant is already waiting for a decision');
    case 'too_long': {
      const room = request?.grantExpiresAt
        ? Math.max(0, Math.floor((grantLifetimeEnd(request).getTime() - request.grantExpiresAt.getTime()) / 1000))
        : 0;
      return new AppError('validation_failed', 'the extension is too long', [
        { path: 'seconds', message: `must be at most ${room}: a grant lives at most 30 days from its approval` },
      ]);
    }
    case 'not_approved': {
      const status = request?.status;
      if (status === 'executed') return new AppError('already_executed', 'the grant was already executed');
      if (status === 'revoked') return new AppError('revoked', 'the grant was revoked');
      if (status === 'lapsed') return new AppError('lapsed', 'the grant already lapsed unused');
      return new AppError('conflict', `request is ${status}: only an approved, unspent grant can be extended`);
    }
  }
}

/**
 * **Extend**: the requester (in Slack) or the owning API client asks the request's approvers for
 * more time on an approved, unspent grant. Recorded as a pending extension (at most one at a time)
 * and audited (`extension.requested`); the approvers decide it in the card's thread. Refusals are
 * audited (`extension.refused`) and thrown as coded errors: 404 for someone else's request (a
 * service) or none, 403 for a person who is not the requester, 409 for a grant not approved any more
 * or an extension already waiting, 400 when the grant would outlive 30 days from its approval.
 */
export async function requestExtension(
  deps: CoreDeps,
  input: { requestId: string; actor: UserOrClientActor; seconds: number; reason: string },
): Promise<RequestRow> {
  const { actor, requestId } = input;
  let changed = false;
  type Outcome =
    | { kind: 'ok'; request: RequestRow; id: string }
    | { kind: 'refused'; reason: Refusal; request: RequestRow | null };
  const result = await withLockedRequest(deps, requestId, async (tx, locked, now): Promise<Outcome> => {
    if (locked === null) return { kind: 'refused', reason: 'not_owner', request: null };
    changed = locked.expiredNow;
    const { request } = locked;
    const owns =
      actor.type === 'service' ? request.apiClientId === actor.clientId : actor.id === request.requesterSlackId;
    const reason: Refusal | null = !owns
      ? actor.type === 'service'
        ? 'not_owner'
        : 'not_requester'
      : request.status !== 'approved' || request.grantExpiresAt === null
        ? 'not_approved'
        : request.extensions.some((e) => e.status === 'pending')
          ? 'pending_extension'
          : request.grantExpiresAt.getTime() + input.seconds * 1000 > grantLifetimeEnd(request).getTime()
            ? 'too_long'
            : null;
    if (reason !== null) {
      const details = { status: request.status, seconds: input.seconds };
      await auditRefusal(tx, { requestId: request.id, type: 'extension.refused', actor, reason, details });
      return { kind: 'refused', reason, request };
    }
    const extension = await tx.grantExtension.create({
      data: {
        requestId: request.id,
        seconds: input.seconds,
        reason: input.reason,
        requestedBy: actorKey(actor),
        requestedAt: now,
      },
      select: { id: true },
    });
    // The card shows the extension waiting: a new version re-renders it.
    await bumpRequestVersion(tx, request.id);
    await recordAudit(tx, {
      requestId: request.id,
      type: 'extension.requested',
      // The request's own client asks on behalf of the requester it named.
      actor: actingFor(actor, request.requesterSlackId),
      details: {
        extensionId: extension.id,
        seconds: input.seconds,
        reason: input.reason,
        grantId: request.grantId,
        grantExpiresAt: request.grantExpiresAt?.toISOString() ?? null,
      },
    });
    changed = true;
    const updated = await getRequest(tx, request.id);
    if (updated === null) throw new Error(`request ${request.id} vanished under its lock`);
    return { kind: 'ok', request: updated, id: extension.id };
  });
  if (result.kind === 'ok') {
    await deps.effects.requestsRescheduled([result.request]);
    await deps.effects.workflowNotices([{ kind: 'extension_requested', requestId: result.request.id, id: result.id }]);
    return result.request;
  }
  if (changed && result.request !== null) await deps.effects.requestsChanged([result.request]);
  throw refusal(requestId, result.reason, result.request);
}
