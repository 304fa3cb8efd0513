import { type Actor, actingFor } from '../../domain/actor.ts';
import { AppError } from '../../errors.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { AuditInput } from '../audit/audit.ts';
import { auditRefusal } from '../audit/refusal.ts';
import { issueGrantFor } from '../grants/for-request.ts';
import type { CoreDeps } from '../ports.ts';
import type { Route } from '../routing/route.ts';
import { workflowOf } from '../routing/rule-schema.ts';
import { withLockedRequest } from './locking.ts';
import { setBreakGlassReason } from './store/changes.ts';
import type { RequestRow } from './store/reads.ts';
import { type TransitionChange, transition, transitionColumns, transitionEvent } from './transition.ts';

/**
 * Break-glass: in an emergency, where the matching rule allows it, the requester approves their own
 * request at once, with a justification. It is the one audited exception to "no self-approval": the
 * decision is whoever broke the glass (`decidedBy`) — the requester pressing it in Slack, or the API
 * client that created the request with `breakGlass: true`, recorded as that service acting on behalf
 * of the person it named, never as the person's own act. It is flagged `breakGlass` on the approval's
 * audit event, preceded by a `break_glass.used` event, announced loudly (the break-glass announcement
 * job) and reviewed afterwards by a routed approver (break-glass-review.ts).
 */

export type BreakGlassRefusal = 'not_requester' | 'not_allowed';

export type BreakGlassResult =
  | { kind: 'approved'; request: RequestRow }
  | { kind: 'refused'; request: RequestRow; reason: BreakGlassRefusal }
  | { kind: 'late'; request: RequestRow }
  | { kind: 'not_found' };

/** Whether a request's rule allows break-glass (from its workflow snapshot). */
export function breakGlassAllowed(request: Pick<RequestRow, 'workflow'>): boolean {
  return workflowOf(request.workflow).breakGlass?.allowed === true;
}

/** Where a break-glass use is announced: the rule's break-glass channel, else the card's channel. */
export function breakGlassChannel(request: Pick<RequestRow, 'workflow' | 'channelId'>): string {
  return workflowOf(request.workflow).breakGlass?.channelId ?? request.channelId;
}

/** At creation (`breakGlass: true`): refuses, naming the field, unless the matched rule allows break-glass. */
export function assertBreakGlassAllowed(route: Route): void {
  if (route.outcome === 'require_approval' && route.workflow.breakGlass?.allowed === true) return;
  const by = route.ruleName === null ? 'the default route' : `rule “${route.ruleName}”`;
  throw new AppError('validation_failed', `break-glass is not allowed for this request (${by})`, [
    { path: 'breakGlass', message: `is not allowed by ${by}, which this request matches` },
  ]);
}

/** Who broke the glass: the requester themselves, or the service that asked for it acting for them. */
type GlassBreaker = Extract<Actor, { type: 'user' | 'service' }>;

function usedEvent(
  request: Pick<RequestRow, 'id' | 'requesterSlackId' | 'workflow' | 'channelId'>,
  by: GlassBreaker,
  reason: string,
) {
  return {
    requestId: request.id,
    type: 'break_glass.used',
    actor: actingFor(by, request.requesterSlackId),
    details: { reason, announceIn: breakGlassChannel(request) },
  } satisfies AuditInput;
}

function breakGlassChange(by: GlassBreaker, reason: string, at: Date, grant: TransitionChange['grant']) {
  return {
    at,
    actor: by,
    reason,
    breakGlass: true,
    ...(grant === undefined ? {} : { grant }),
  } satisfies TransitionChange;
}

/**
 * The approved columns and audit events of a request created with break-glass (create.ts inserts
 * them); `by` is who created it — an API client is recorded as acting for the requester it named.
 */
export async function breakGlassAtCreation(
  deps: Pick<CoreDeps, 'grants' | 'config' | 'db' | 'caches'>,
  row: RequestRow,
  by: GlassBreaker,
  reason: string,
  audience: string,
  now: Date,
) {
  const change = breakGlassChange(by, reason, now, await issueGrantFor(deps, deps.db, row, now, audience));
  return {
    columns: transitionColumns(row, 'approved', change),
    events: [usedEvent(row, by, reason), transitionEvent(row, 'approved', change)],
  };
}

/**
 * The checks a break-glass press passes: the request is still pending, the presser is its requester,
 * and its rule allows break-glass. A failed check is audited (`break_glass.refused`) and returned.
 */
async function screen(
  tx: Prisma.TransactionClient,
  request: RequestRow,
  userId: string,
): Promise<Extract<BreakGlassResult, { kind: 'refused' | 'late' }> | null> {
  const actor: Actor = { type: 'user', id: userId };
  const refusal: BreakGlassRefusal | 'late' | null =
    request.status !== 'pending'
      ? 'late'
      : userId !== request.requesterSlackId
        ? 'not_requester'
        : !breakGlassAllowed(request)
          ? 'not_allowed'
          : null;
  if (refusal === null) return null;
  const details = { status: request.status };
  await auditRefusal(tx, { requestId: request.id, type: 'break_glass.refused', actor, reason: refusal, details });
  return refusal === 'late' ? { kind: 'late', request } : { kind: 'refused', request, reason: refusal };
}

/** Checks a break-glass press before its modal opens (audited like the real thing); `breakGlass` checks again. */
export async function precheckBreakGlass(
  deps: CoreDeps,
  input: { requestId: string; userId: string },
): Promise<BreakGlassResult | { kind: 'ok'; request: RequestRow }> {
  let expiredNow = false;
  const result = await withLockedRequest(deps, input.requestId, async (tx, locked) => {
    if (locked === null) return { kind: 'not_found' } as const;
    expiredNow = locked.expiredNow;
    return (await screen(tx, locked.request, input.userId)) ?? ({ kind: 'ok', request: locked.request } as const);
  });
  if (expiredNow && result.kind !== 'not_found') await deps.effects.requestsChanged([result.request]);
  return result;
}

/**
 * Breaks the glass on a pending request: the requester approves it at once with their justification;
 * the grant is issued as for any approval, through the one status writer (transition.ts).
 */
export async function breakGlass(
  deps: CoreDeps,
  input: { requestId: string; userId: string; reason: string },
): Promise<BreakGlassResult> {
  let expiredNow = false;
  const result = await withLockedRequest(deps, input.requestId, async (tx, locked, now): Promise<BreakGlassResult> => {
    if (locked === null) return { kind: 'not_found' };
    const { request } = locked;
    expiredNow = locked.expiredNow;
    const refusal = await screen(tx, request, input.userId);
    if (refusal !== null) return refusal;
    await setBreakGlassReason(tx, request.id, input.reason);
    const marked = { ...request, breakGlassReason: input.reason };
    const requester: GlassBreaker = { type: 'user', id: request.requesterSlackId };
    const change = breakGlassChange(requester, input.reason, now, await issueGrantFor(deps, tx, marked, now));
    const decided = await transition(tx, marked, 'approved', change, [usedEvent(marked, requester, input.reason)]);
    return { kind: 'approved', request: decided };
  });
  if (result.kind === 'approved' || (result.kind === 'late' && expiredNow)) {
    await deps.effects.requestsChanged([result.request]);
  }
  return result;
}
