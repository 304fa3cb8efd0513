import { randomUUID } from 'node:crypto';
import { checkEligibility, tally } from '../domain/decision.ts';
import type { ContextValue } from '../domain/params-hash.ts';
import { hashParameters } from '../domain/params-hash.ts';
import { AppError } from '../errors.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { type AuditInput, initialAuditEvents, recordAudit } from './audit.ts';
import type { CoreDeps } from './deps.ts';
import { REQUEST_SELECT, type RequestRow } from './request-view.ts';
import { resolveRoute } from './routing.ts';
import type { Actor, Tx } from './types.ts';

export interface NewRequest {
  action: string;
  resource: string;
  reason: string;
  requesterSlackId: string;
  requesterEmail?: string | null;
  environment?: string | null;
  risk: 'low' | 'medium' | 'high' | 'critical';
  context: Record<string, ContextValue>;
  ttlSeconds?: number;
  callbackUrl?: string | null;
}

export type Origin =
  | { source: 'api'; client: { id: string; name: string }; idempotency?: { key: string; bodyHash: string } }
  | { source: 'slack'; userId: string };

export interface CreateResult {
  request: RequestRow;
  /** True when an Idempotency-Key matched an earlier request: nothing new was created. */
  replayed: boolean;
}

function actorOf(origin: Origin): Actor {
  return origin.source === 'api' ? { type: 'service', id: origin.client.name } : { type: 'user', id: origin.userId };
}

async function findByIdempotencyKey(tx: Tx, clientId: string, key: string) {
  return tx.approvalRequest.findUnique({
    where: { apiClientId_idempotencyKey: { apiClientId: clientId, idempotencyKey: key } },
    select: REQUEST_SELECT,
  });
}

function replayOrConflict(existing: RequestRow, bodyHash: string): CreateResult {
  if (existing.idempotencyHash !== bodyHash) {
    throw new AppError('conflict', 'this Idempotency-Key was already used with a different request body');
  }
  return { request: existing, replayed: true };
}

/**
 * Creates a pending request routed to its approvers, records `request.created`, and hands the card,
 * the expiry timer and waiters to the effects. With an idempotency key, a repeat of the same body
 * returns the original request, and a different body is a conflict.
 */
export async function createRequest(deps: CoreDeps, input: NewRequest, origin: Origin): Promise<CreateResult> {
  const idempotency = origin.source === 'api' ? origin.idempotency : undefined;
  if (origin.source === 'api' && idempotency !== undefined) {
    const existing = await findByIdempotencyKey(deps.db, origin.client.id, idempotency.key);
    if (existing !== null) return replayOrConflict(existing, idempotency.bodyHash);
  }

  const now = deps.now();
  const environment = input.environment ?? null;
  const route = await resolveRoute(deps, {
    action: input.action,
    resource: input.resource,
    environment,
    risk: input.risk,
    at: now,
  });
  const eligible = route.approverIds.filter((id) => id !== input.requesterSlackId);
  if (route.outcome === 'require_approval' && eligible.length < route.requiredApprovals) {
    throw new AppError(
      'unprocessable',
      `this request needs ${route.requiredApprovals} approval(s) but only ${eligible.length} approver(s) other than the requester are routed`,
    );
  }
  // A rule's time to decide is the policy's limit: a request may ask for less, not more.
  const ttlSeconds =
    route.ttlSeconds === null
      ? (input.ttlSeconds ?? deps.config.DEFAULT_TTL_SECONDS)
      : Math.min(input.ttlSeconds ?? route.ttlSeconds, route.ttlSeconds);

  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  const paramsHash = hashParameters({
    action: input.action,
    resource: input.resource,
    environment,
    context: input.context,
  });
  const createdEvent = {
    type: 'request.created',
    actor: actorOf(origin),
    details: {
      action: input.action,
      resource: input.resource,
      environment,
      risk: input.risk,
      paramsHash,
      requester: input.requesterSlackId,
      rule: route.ruleName,
      channel: route.channelId,
      approvers: route.approverIds,
      requiredApprovals: route.requiredApprovals,
      expiresAt: expiresAt.toISOString(),
    },
  };
  const events: Array<Omit<AuditInput, 'requestId'>> = [createdEvent];
  // A rule may decide at once: the request is still recorded, carded and audited.
  let automatic = {};
  if (route.outcome !== 'require_approval') {
    const status = route.outcome === 'auto_approve' ? 'approved' : 'denied';
    const decisionReason =
      route.outcome === 'auto_deny' ? (route.denyMessage ?? `denied by rule “${route.ruleName}”`) : null;
    automatic = {
      status,
      version: 1,
      decidedAt: now,
      decidedBy: `rule:${route.ruleName}`,
      // The card itself shows an automatic outcome from the start: no thread reply is due.
      threadRepliedAt: now,
      decisionReason,
      grantExpiresAt:
        status === 'approved' && route.grantSeconds !== null
          ? new Date(now.getTime() + route.grantSeconds * 1000)
          : null,
    };
    events.push({
      type: `request.auto_${status}`,
      actor: { type: 'system', id: `rule:${route.ruleName}` },
      details: { from: 'pending', to: status, rule: route.ruleName, reason: decisionReason, paramsHash },
    });
  }
  let request: RequestRow;
  try {
    // One nested write: the request and its first audit events commit together.
    const created = await deps.db.approvalRequest.create({
      data: {
        id,
        source: origin.source,
        action: input.action,
        resource: input.resource,
        environment,
        risk: input.risk,
        reason: input.reason,
        context: input.context,
        paramsHash,
        requesterSlackId: input.requesterSlackId,
        requesterEmail: input.requesterEmail ?? null,
        apiClientId: origin.source === 'api' ? origin.client.id : null,
        idempotencyKey: idempotency?.key ?? null,
        idempotencyHash: idempotency?.bodyHash ?? null,
        callbackUrl: input.callbackUrl ?? null,
        ruleId: route.ruleId,
        ruleName: route.ruleName,
        channelId: route.channelId,
        approverIds: route.approverIds,
        requiredApprovals: route.requiredApprovals,
        requireReason: route.requireReason,
        grantSeconds: route.grantSeconds,
        expiresAt,
        createdAt: now,
        ...automatic,
        events: { create: initialAuditEvents(id, events, now) },
      },
      // A new request has no votes: skip the relation.
      select: { ...REQUEST_SELECT, votes: false },
    });
    request = { ...created, votes: [] };
  } catch (error) {
    // Two retries with the same key raced past the lookup: the loser answers like a replay.
    if (
      idempotency !== undefined &&
      origin.source === 'api' &&
      error instanceof Prisma.PrismaClientKnownRequestError &&
      error.code === 'P2002'
    ) {
      const existing = await findByIdempotencyKey(deps.db, origin.client.id, idempotency.key);
      if (existing !== null) return replayOrConflict(existing, idempotency.bodyHash);
    }
    throw error;
  }
  await deps.effects.requestCreated(request);
  return { request, replayed: false };
}

export async function getRequest(tx: Tx, id: string): Promise<RequestRow | null> {
  return tx.approvalRequest.findUnique({ where: { id }, select: REQUEST_SELECT });
}

export async function getAuditTrail(tx: Tx, requestId: string) {
  return tx.auditEvent.findMany({
    where: { requestId },
    orderBy: { id: 'asc' },
    select: { id: true, type: true, actorType: true, actorId: true, details: true, createdAt: true },
  });
}

export type DecideResult =
  | { kind: 'recorded'; request: RequestRow; outcome: 'approved' | 'denied' | 'pending' }
  | { kind: 'refused'; request: RequestRow; reason: 'self_approval' | 'not_an_approver' | 'already_voted' }
  | { kind: 'late'; request: RequestRow }
  /** The route requires approvers to give a reason, and none was given: ask for one. */
  | { kind: 'reason_required'; request: RequestRow }
  | { kind: 'not_found' };

/** Locks one request row for the rest of the transaction, so deciders on it queue up. */
async function lockRequest(tx: Prisma.TransactionClient, id: string): Promise<RequestRow | null> {
  const locked = await tx.$queryRaw<
    Array<{ id: string }>
  >`SELECT id FROM approval_requests WHERE id = ${id}::uuid FOR UPDATE`;
  if (locked.length === 0) return null;
  return getRequest(tx, id);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records an approver's Approve or Deny. The request row is locked for the transaction and the
 * transition is a conditional update on `status = 'pending'`, so double clicks, an approve racing
 * a deny or the expiry, and the same click on two instances all end in exactly one outcome.
 * Refusals and late clicks are audited and change nothing else.
 */
export async function decide(
  deps: CoreDeps,
  input: { requestId: string; userId: string; decision: 'approve' | 'deny'; reason?: string | null },
): Promise<DecideResult> {
  if (!UUID.test(input.requestId)) return { kind: 'not_found' };
  const actor: Actor = { type: 'user', id: input.userId };
  let expiredNow = false;
  const result = await deps.db.$transaction(async (tx): Promise<DecideResult> => {
    const request = await lockRequest(tx, input.requestId);
    if (request === null) return { kind: 'not_found' };
    const now = deps.now();

    if (request.status === 'pending' && request.expiresAt.getTime() <= now.getTime()) {
      // The deadline passed before the expiry job ran: expire now, then treat the click as late.
      const expired = await transition(tx, request, 'expired', { decidedAt: now }, { type: 'system' });
      expiredNow = true;
      return (await screen(tx, expired, input)) ?? { kind: 'late', request: expired };
    }
    const refusal = await screen(tx, request, input);
    if (refusal !== null) return refusal;
    if (input.decision === 'approve' && request.requireReason && !input.reason?.trim()) {
      return { kind: 'reason_required', request };
    }

    await tx.vote.create({
      data: {
        requestId: request.id,
        voterId: input.userId,
        decision: input.decision,
        reason: input.reason ?? null,
        createdAt: now,
      },
    });
    const voteEvent: AuditInput = {
      requestId: request.id,
      type: 'vote.recorded',
      actor,
      details: { decision: input.decision, reason: input.reason ?? null },
    };
    const voted: RequestRow = {
      ...request,
      votes: [
        ...request.votes,
        { voterId: input.userId, decision: input.decision, reason: input.reason ?? null, createdAt: now },
      ],
    };
    const outcome = tally(voted.votes, request.requiredApprovals);
    if (outcome === 'pending') {
      // Bump the version so the card re-renders with the progress toward quorum.
      await tx.approvalRequest.updateMany({
        where: { id: request.id, status: 'pending' },
        data: { version: { increment: 1 } },
      });
      await recordAudit(tx, voteEvent);
      return { kind: 'recorded', request: { ...voted, version: voted.version + 1 }, outcome };
    }
    const decided = await transition(
      tx,
      voted,
      outcome,
      {
        decidedAt: now,
        decidedBy: input.userId,
        decisionReason: input.reason ?? null,
        grantExpiresAt:
          outcome === 'approved' && request.grantSeconds !== null
            ? new Date(now.getTime() + request.grantSeconds * 1000)
            : null,
      },
      actor,
      [voteEvent],
    );
    return { kind: 'recorded', request: decided, outcome };
  });
  if (result.kind === 'recorded' || (result.kind === 'late' && expiredNow)) {
    await deps.effects.requestsChanged([result.request]);
  }
  return result;
}

/**
 * The checks every decision passes before a vote is written: the request is still pending, the user
 * is a routed approver and not the requester, and has not voted yet. A failed check is audited
 * (`decision.late` / `decision.refused`) and returned; null means the user may decide.
 */
async function screen(
  tx: Tx,
  request: RequestRow,
  input: { userId: string; decision: 'approve' | 'deny' },
): Promise<Extract<DecideResult, { kind: 'refused' | 'late' }> | null> {
  const actor: Actor = { type: 'user', id: input.userId };
  if (request.status !== 'pending') {
    await recordAudit(tx, {
      requestId: request.id,
      type: 'decision.late',
      actor,
      details: { decision: input.decision, status: request.status },
    });
    return { kind: 'late', request };
  }
  const eligibility = checkEligibility({
    userId: input.userId,
    requesterId: request.requesterSlackId,
    approverIds: request.approverIds,
  });
  const reason =
    eligibility !== 'eligible'
      ? eligibility
      : request.votes.some((vote) => vote.voterId === input.userId)
        ? 'already_voted'
        : null;
  if (reason === null) return null;
  await recordAudit(tx, {
    requestId: request.id,
    type: 'decision.refused',
    actor,
    details: { decision: input.decision, reason },
  });
  return { kind: 'refused', request, reason };
}

export type PrecheckResult =
  | { kind: 'ok'; request: RequestRow }
  | Exclude<DecideResult, { kind: 'recorded' } | { kind: 'reason_required' }>;

/**
 * Runs the decision checks without voting, e.g. before opening the Deny modal, so an ineligible
 * user is told at once. `decide` checks everything again on submit.
 */
export async function precheckDecision(
  deps: CoreDeps,
  input: { requestId: string; userId: string; decision: 'approve' | 'deny' },
): Promise<PrecheckResult> {
  if (!UUID.test(input.requestId)) return { kind: 'not_found' };
  const first = await getRequest(deps.db, input.requestId);
  if (first === null) return { kind: 'not_found' };
  if (first.status === 'pending' && first.expiresAt.getTime() <= deps.now().getTime()) await expireDue(deps);
  // Refusals are audited, and a request's audit chain is only written under its row lock.
  return deps.db.$transaction(async (tx): Promise<PrecheckResult> => {
    const request = await lockRequest(tx, input.requestId);
    if (request === null) return { kind: 'not_found' };
    return (await screen(tx, request, input)) ?? { kind: 'ok', request };
  });
}

interface TransitionData {
  decidedAt: Date;
  decidedBy?: string | null;
  decisionReason?: string | null;
  grantExpiresAt?: Date | null;
}

/**
 * One state-machine transition out of `pending`: a conditional update that only succeeds while the
 * row is still pending, plus its audit event (after `before`, events of the same change). Throws if
 * the row already left `pending`, which the caller's row lock rules out. Returns the row as updated.
 */
async function transition(
  tx: Prisma.TransactionClient,
  request: RequestRow,
  to: 'approved' | 'denied' | 'expired' | 'cancelled',
  data: TransitionData,
  actor: Actor,
  before: AuditInput[] = [],
): Promise<RequestRow> {
  const { count } = await tx.approvalRequest.updateMany({
    where: { id: request.id, status: 'pending' },
    data: { ...data, status: to, version: { increment: 1 } },
  });
  if (count !== 1) throw new Error(`request ${request.id} left pending concurrently`);
  await recordAudit(tx, [
    ...before,
    {
      requestId: request.id,
      type: `request.${to}`,
      actor,
      details: {
        from: 'pending',
        to,
        ...(data.decisionReason ? { reason: data.decisionReason } : {}),
        paramsHash: request.paramsHash,
      },
    },
  ]);
  return {
    ...request,
    decidedBy: data.decidedBy ?? null,
    decisionReason: data.decisionReason ?? null,
    grantExpiresAt: data.grantExpiresAt ?? null,
    decidedAt: data.decidedAt,
    status: to,
    version: request.version + 1,
    updatedAt: data.decidedAt,
  };
}

/**
 * Expires every pending request whose deadline has passed, in one statement per batch: rows
 * another transaction holds are skipped (it is deciding or expiring them). Returns what it expired.
 * Expiry jobs and the reconciler both call this, so a burst of deadlines costs a few statements,
 * not one transaction each.
 */
export async function expireDue(deps: CoreDeps, limit = 500): Promise<RequestRow[]> {
  const now = deps.now();
  const expired = await deps.db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE approval_requests SET status = 'expired', decided_at = ${now}, updated_at = ${now}, version = version + 1
       WHERE id IN (SELECT id FROM approval_requests WHERE status = 'pending' AND expires_at <= ${now}
                     ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING id::text AS id`;
    if (rows.length === 0) return [];
    const requests = await tx.approvalRequest.findMany({
      where: { id: { in: rows.map((row) => row.id) } },
      select: REQUEST_SELECT,
    });
    await recordAudit(
      tx,
      requests.map((request) => ({
        requestId: request.id,
        type: 'request.expired',
        actor: { type: 'system' as const },
        details: { from: 'pending', to: 'expired', expiresAt: request.expiresAt.toISOString() },
      })),
    );
    return requests;
  });
  await deps.effects.requestsChanged(expired);
  return expired;
}

/** Who cancels: the service that created the request, or the person it is for. */
export type Canceller = { client: { id: string; name: string } } | { userId: string };

/** Cancels a pending request on behalf of the service that created it, or of its requester. */
export async function cancelRequest(
  deps: CoreDeps,
  input: { requestId: string; reason?: string | null } & Canceller,
): Promise<RequestRow> {
  if (!UUID.test(input.requestId)) throw new AppError('not_found', `no request ${input.requestId}`);
  const byService = 'client' in input;
  const actor: Actor = byService ? { type: 'service', id: input.client.name } : { type: 'user', id: input.userId };
  const result = await deps.db.$transaction(async (tx) => {
    const request = await lockRequest(tx, input.requestId);
    const owns =
      request !== null &&
      (byService ? request.apiClientId === input.client.id : request.requesterSlackId === input.userId);
    if (request === null || !owns) {
      // Someone else's request is reported as missing: ids are not an oracle across owners.
      throw new AppError('not_found', `no request ${input.requestId}`);
    }
    if (request.status !== 'pending') {
      await recordAudit(tx, {
        requestId: request.id,
        type: 'cancel.refused',
        actor,
        details: { status: request.status },
      });
      return { request, changed: false };
    }
    const cancelled = await transition(
      tx,
      request,
      'cancelled',
      {
        decidedAt: deps.now(),
        decidedBy: byService ? `service:${input.client.name}` : input.userId,
        decisionReason: input.reason ?? null,
      },
      actor,
    );
    return { request: cancelled, changed: true };
  });
  if (!result.changed) {
    throw new AppError(
      'conflict',
      `request is already ${result.request.status}; only pending requests can be cancelled`,
    );
  }
  await deps.effects.requestsChanged([result.request]);
  return result.request;
}
