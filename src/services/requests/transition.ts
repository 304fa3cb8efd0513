import type { Actor } from '../../domain/actor.ts';
import { actingFor, actorKey } from '../../domain/actor.ts';
import { canTransition, type RequestStatus } from '../../domain/request-status.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { type AuditInput, recordAudit } from '../audit/audit.ts';
import type { IssuedGrant } from '../grants/grants.ts';
import { closeMootExtensions } from './moot-extensions.ts';
import { lockRequest } from './store/locks.ts';
import { getRequests, type RequestRow } from './store/reads.ts';
import { expireOverdueRows, type NewVote, writeRequestChange } from './store/transitions.ts';

/** Greenlight itself, for changes nobody asked for (the deadline passing). */
export const SYSTEM: Actor = { type: 'system' };

/** A status change the state machine (domain/request-status.ts) does not allow. A bug, never user input. */
export class ForbiddenTransitionError extends Error {
  constructor(
    readonly from: RequestStatus,
    readonly to: RequestStatus,
  ) {
    super(`the request state machine has no edge ${from} → ${to}`);
    this.name = 'ForbiddenTransitionError';
  }
}

/** Throws unless `from → to` is an edge of the state machine. */
export function assertTransition(from: RequestStatus, to: RequestStatus): void {
  if (!canTransition(from, to)) throw new ForbiddenTransitionError(from, to);
}

/** What a transition records besides the new status. */
export interface TransitionChange {
  at: Date;
  actor: Actor;
  reason?: string | null;
  /** The grant an approval hands out (required for `approved`: no approval without one). */
  grant?: IssuedGrant;
  /** Break-glass approved the request at once (break-glass.ts): flagged in the audit event. */
  breakGlass?: boolean;
}

/**
 * The columns a change of status writes, checked against the state machine. Leaving `pending` is a
 * decision (who, when, why, and for an approval the grant window starting now); creation uses this
 * too when a rule decides a request at once.
 */
export function transitionColumns(request: Pick<RequestRow, 'status'>, to: RequestStatus, change: TransitionChange) {
  assertTransition(request.status, to);
  if (request.status === 'approved') {
    // The grant ends: spent, or (revoked, lapsed) unused, recorded with who and why.
    if (to === 'executed') return { status: to, executedAt: change.at };
    return {
      status: to,
      grantEndedAt: change.at,
      grantEndedBy: actorKey(change.actor),
      grantEndReason: change.reason ?? null,
    };
  }
  if (to === 'approved' && change.grant === undefined) throw new Error('an approval needs its grant');
  return {
    status: to,
    decidedAt: change.at,
    decidedBy: to === 'expired' ? null : actorKey(change.actor),
    decisionReason: change.reason ?? null,
    ...(to === 'approved' && change.grant !== undefined
      ? {
          grantExpiresAt: change.grant.expiresAt,
          grantId: change.grant.id,
          grantKid: change.grant.kid,
          grantToken: change.grant.token,
        }
      : { grantExpiresAt: null }),
  };
}

/**
 * The audit event of a transition. A service's change is recorded as acting for the requester it
 * named (`actingFor`): only a request's own client changes it, so the person is always whom it acted for.
 */
export function transitionEvent(
  request: Pick<RequestRow, 'id' | 'status' | 'paramsHash' | 'expiresAt' | 'requesterSlackId'>,
  to: RequestStatus,
  change: TransitionChange,
): AuditInput {
  return {
    requestId: request.id,
    // A rule's immediate decision keeps its own event name, so auditors tell it from a person's.
    type: change.actor.type === 'rule' ? `request.auto_${to}` : `request.${to}`,
    actor: actingFor(change.actor, request.requesterSlackId),
    details: {
      from: request.status,
      to,
      ...(change.reason ? { reason: change.reason } : {}),
      ...(change.breakGlass ? { breakGlass: true } : {}),
      ...(to === 'expired' ? { expiresAt: request.expiresAt.toISOString() } : {}),
      paramsHash: request.paramsHash,
      ...(change.grant === undefined
        ? {}
        : {
            grantId: change.grant.id,
            grantKid: change.grant.kid,
            grantExpiresAt: change.grant.expiresAt.toISOString(),
          }),
    },
  };
}

/**
 * The one writer of a request's status: a conditional update that succeeds only while the row is
 * still in the status the caller read, and — for every change out of `pending` but expiry — only
 * before the deadline, in the same statement. Records the transition's audit event after `before`
 * (events of the same change, such as the vote that reached quorum). The caller holds the row lock
 * (`lockCurrent`), so a conflict here is a bug and throws. Returns the row as updated.
 */
export async function transition(
  tx: Prisma.TransactionClient,
  request: RequestRow,
  to: RequestStatus,
  change: TransitionChange,
  before: AuditInput[] = [],
  vote?: NewVote,
): Promise<RequestRow> {
  const columns = transitionColumns(request, to, change);
  // Each clock is checked in the statement itself: the decision deadline out of `pending`, the grant
  // window out of `approved` (only a lapse may happen after it; nothing else may).
  const passed = to === 'expired' || to === 'lapsed';
  const deadline =
    request.status === 'pending'
      ? ({ column: 'expires_at', passed, at: change.at } as const)
      : request.status === 'approved' && request.grantExpiresAt !== null
        ? ({ column: 'grant_expires_at', passed, at: change.at } as const)
        : undefined;
  // A grant ending closes the extension waiting on it (moot-extensions.ts); nothing to do otherwise.
  const moot =
    request.status === 'approved'
      ? await closeMootExtensions(tx, request, to, change.at)
      : { events: [], extensions: request.extensions };
  const moved = await writeRequestChange(tx, {
    requestId: request.id,
    from: request.status,
    ...(deadline === undefined ? {} : { deadline }),
    columns,
    at: change.at,
    ...(vote === undefined ? {} : { vote }),
    events: [...before, transitionEvent(request, to, change), ...moot.events],
  });
  if (!moved) throw new Error(`request ${request.id} changed concurrently (${request.status} → ${to})`);
  return { ...request, ...columns, extensions: moot.extensions, version: request.version + 1, updatedAt: change.at };
}

/**
 * Locks a request and settles its clocks first: a pending request whose deadline has passed is
 * expired here, and an approved one whose grant window has passed is lapsed, so whatever the caller
 * does next (vote, cancel, execute, revoke) sees it as it really is. `expiredNow` says either happened.
 */
export async function lockCurrent(
  tx: Prisma.TransactionClient,
  id: string,
  clock: () => Date,
  lockWaitMs: number,
): Promise<{ request: RequestRow; expiredNow: boolean; now: Date } | null> {
  const request = await lockRequest(tx, id, lockWaitMs);
  if (request === null) return null;
  // The time is read once the lock is held: a change that waited for the lock is judged by when it runs.
  const now = clock();
  if (request.status === 'pending' && request.expiresAt.getTime() <= now.getTime()) {
    return { request: await transition(tx, request, 'expired', { at: now, actor: SYSTEM }), expiredNow: true, now };
  }
  if (
    request.status === 'approved' &&
    request.grantExpiresAt !== null &&
    request.grantExpiresAt.getTime() <= now.getTime()
  ) {
    return { request: await transition(tx, request, 'lapsed', { at: now, actor: SYSTEM }), expiredNow: true, now };
  }
  return { request, expiredNow: false, now };
}

/**
 * Expires up to `limit` overdue pending requests in one statement: rows another transaction holds
 * are skipped (it is deciding or expiring them). The batch form of `transition(…, 'expired')`, so a
 * burst of deadlines costs a few statements, not one transaction each. Returns the expired rows.
 */
export async function expireOverdue(tx: Prisma.TransactionClient, now: Date, limit: number): Promise<RequestRow[]> {
  assertTransition('pending', 'expired');
  const expired = await getRequests(tx, await expireOverdueRows(tx, now, limit));
  await recordAudit(
    tx,
    expired.map((request) => transitionEvent({ ...request, status: 'pending' }, 'expired', { at: now, actor: SYSTEM })),
  );
  return expired;
}
