import { randomUUID } from 'node:crypto';
import type { Actor } from '../../domain/actor.ts';
import type { ContextValue } from '../../domain/params-hash.ts';
import { hashParameters } from '../../domain/params-hash.ts';
import type { Risk } from '../../domain/request-status.ts';
import { AppError } from '../../errors.ts';
import { type AuditInput, initialAuditEvents } from '../audit/audit.ts';
import { issueGrantFor, SLACK_AUDIENCE } from '../grants/for-request.ts';
import type { CoreDeps } from '../ports.ts';
import { type Route, resolveRoute } from '../routing/route.ts';
import { type IdempotencyKey, type Replay, withIdempotency } from './idempotency.ts';
import { insertRequest, type RequestRow } from './store.ts';
import { transitionColumns, transitionEvent } from './transition.ts';

export interface NewRequest {
  action: string;
  resource: string;
  reason: string;
  requesterSlackId: string;
  requesterEmail?: string | null;
  environment?: string | null;
  risk: Risk;
  context: Record<string, ContextValue>;
  ttlSeconds?: number;
  callbackUrl?: string | null;
}

/**
 * Who asks: a person in Slack, an API client (which may send an Idempotency-Key), or a platform
 * integration (`source`: a GitHub deployment protection rule), which has no API client.
 */
export type RequestOrigin =
  | { actor: Extract<Actor, { type: 'user' }> }
  | {
      actor: Extract<Actor, { type: 'service' }> & { clientId: string };
      idempotency?: Omit<IdempotencyKey, 'clientId'>;
    }
  | { actor: Extract<Actor, { type: 'service' }>; source: 'github' };

/** A rule's time to decide is the policy's limit: a request may ask for less, not more. */
function timeToDecide(route: Route, requested: number | undefined, fallback: number): number {
  if (route.ttlSeconds === null) return requested ?? fallback;
  return Math.min(requested ?? route.ttlSeconds, route.ttlSeconds);
}

/**
 * Creates a pending request routed to its approvers, records `request.created`, and hands the card,
 * the expiry timer and waiters to the effects. A rule may decide at once: the request is still
 * recorded, carded and audited, through the same transition columns as any decision. With an
 * idempotency key, a repeat of the same body returns the original request.
 */
export async function createRequest(deps: CoreDeps, input: NewRequest, origin: RequestOrigin): Promise<Replay> {
  const { actor } = origin;
  const idempotency =
    'idempotency' in origin && origin.idempotency !== undefined
      ? { ...origin.idempotency, clientId: origin.actor.clientId }
      : undefined;
  const source = 'source' in origin ? origin.source : actor.type === 'service' ? 'api' : 'slack';
  const apiClientId = actor.type === 'service' && source === 'api' ? (actor.clientId ?? null) : null;
  const result = await withIdempotency(deps.db, idempotency, async () => {
    const now = deps.now();
    const subject = { action: input.action, resource: input.resource, environment: input.environment ?? null };
    const route = await resolveRoute(deps, { ...subject, risk: input.risk, at: now });
    const eligible = route.approverIds.filter((id) => id !== input.requesterSlackId);
    if (route.outcome === 'require_approval' && eligible.length < route.requiredApprovals) {
      throw new AppError(
        'unprocessable',
        `this request needs ${route.requiredApprovals} approval(s) but only ${eligible.length} approver(s) other than the requester are routed`,
      );
    }
    const id = randomUUID();
    const ttlSeconds = timeToDecide(route, input.ttlSeconds, deps.config.DEFAULT_TTL_SECONDS);
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    const paramsHash = hashParameters({ ...subject, context: input.context });
    const auditEvents: Array<Omit<AuditInput, 'requestId'>> = [
      {
        type: 'request.created',
        actor,
        details: {
          ...subject,
          risk: input.risk,
          paramsHash,
          requester: input.requesterSlackId,
          rule: route.ruleName,
          channel: route.channelId,
          approvers: route.approverIds,
          requiredApprovals: route.requiredApprovals,
          expiresAt: expiresAt.toISOString(),
        },
      },
    ];
    const row: RequestRow = {
      id,
      status: 'pending',
      version: 0,
      source,
      ...subject,
      risk: input.risk,
      reason: input.reason,
      context: input.context,
      paramsHash,
      requesterSlackId: input.requesterSlackId,
      requesterEmail: input.requesterEmail ?? null,
      apiClientId,
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
      messageTs: null,
      cardVersion: null,
      threadRepliedAt: null,
      outcomeDmAt: null,
      slackError: null,
      expiresAt,
      decidedAt: null,
      decidedBy: null,
      decisionReason: null,
      grantExpiresAt: null,
      executedAt: null,
      grantId: null,
      grantKid: null,
      grantToken: null,
      grantEndedAt: null,
      grantEndedBy: null,
      grantEndReason: null,
      grantEndRepliedAt: null,
      grantEndDmAt: null,
      callbacksStoppedAt: null,
      createdAt: now,
      updatedAt: now,
      votes: [],
    };
    let created = row;
    if (route.outcome !== 'require_approval') {
      const to = route.outcome === 'auto_approve' ? 'approved' : 'denied';
      const change = {
        at: now,
        actor: { type: 'rule', id: route.ruleName ?? 'default' } as const,
        reason: to === 'denied' ? (route.denyMessage ?? `denied by rule “${route.ruleName}”`) : null,
        ...(to === 'approved'
          ? {
              grant: await issueGrantFor(deps, deps.db, row, now, actor.type === 'service' ? actor.id : SLACK_AUDIENCE),
            }
          : {}),
      };
      // The card shows an automatic decision from the start: no thread reply is due.
      created = { ...row, ...transitionColumns(row, to, change), version: 1, threadRepliedAt: now };
      auditEvents.push(transitionEvent(row, to, change));
    }
    // One statement: the request and its first audit events commit together.
    await insertRequest(deps.db, created, initialAuditEvents(id, auditEvents, now));
    return created;
  });
  if (!result.replayed) await deps.effects.requestCreated(result.request);
  return result;
}
