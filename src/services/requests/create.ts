import { randomUUID } from 'node:crypto';
import { type Actor, actingFor } from '../../domain/actor.ts';
import type { ContextValue } from '../../domain/params-hash.ts';
import { hashParameters } from '../../domain/params-hash.ts';
import type { PolicyInput } from '../../domain/policy.ts';
import type { Risk } from '../../domain/request-status.ts';
import { AppError } from '../../errors.ts';
import { type AuditInput, initialAuditEvents } from '../audit/audit.ts';
import { issueGrantFor, SLACK_AUDIENCE } from '../grants/for-request.ts';
import type { CoreDeps } from '../ports.ts';
import { routeRequestAroundAway } from '../routing/away-routing.ts';
import { type Route, resolveRoute } from '../routing/route.ts';
import { findCoveringApproval, standingScopeOf } from '../standing/standing-approvals.ts';
import { assertBreakGlassAllowed, breakGlassAtCreation } from './break-glass.ts';
import { type IdempotencyKey, type Replay, withIdempotency } from './idempotency.ts';
import { routedStages } from './stages.ts';
import { insertRequest } from './store/intake.ts';
import type { RequestRow } from './store/reads.ts';
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
  /** The id to give the request; a pipeline integration picks it first to link its own row (default: a new UUID). */
  id?: string;
  /** Break-glass (break-glass.ts): the requester approves at once, with this justification, where the rule allows it. */
  breakGlass?: { reason: string } | null;
  /**
   * Spend the grant at once when the request is approved as it is created (a rule's auto-approval, a
   * standing approval): the row is written `executed`, its audit events with it, in the same insert.
   */
  executeOnApproval?: boolean;
  /** The MCP tool call the request stands for (the API's `mcp` field): routing matches rules on it. */
  mcp?: PolicyInput['mcp'];
  /** The MCP client that asked through /mcp, as it named itself in `initialize`; shown on the card. */
  mcpClient?: { name: string; version: string } | null;
}

/**
 * Who asks: a person in Slack, an API client (which may send an Idempotency-Key), or a platform
 * integration (`source`: a GitHub deployment protection rule, a Terraform run task), which has no API client
 * (its own table makes deliveries idempotent).
 */
export type RequestOrigin =
  | { actor: Extract<Actor, { type: 'user' }> }
  | {
      actor: Extract<Actor, { type: 'service' }> & { clientId: string };
      idempotency?: Omit<IdempotencyKey, 'clientId'>;
    }
  | { actor: Extract<Actor, { type: 'service' }>; source: IntegrationSource };

/** Requests made by a platform integration rather than a person or an API client. */
export type IntegrationSource = 'github' | 'terraform';

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
    const asked = { action: input.action, resource: input.resource, environment: input.environment ?? null };
    const resolved = await resolveRoute(deps, { ...asked, risk: input.risk, at: now, mcp: input.mcp ?? null });
    // A rule with `resourceFrom` names the resource from the tool call's arguments: the request, its grant and its card use it.
    const subject = { ...asked, resource: resolved.resource };
    // Away approvers are skipped for their delegates before the quorum check (away-routing.ts); with
    // stages, stage by stage (the rule's flat approvers are not used then).
    const chain = await routedStages(deps, resolved, input.requesterSlackId, now);
    const flat =
      chain === null
        ? await routeRequestAroundAway(deps, resolved, input.requesterSlackId, now)
        : { route: resolved, routingNotes: null };
    const { route } = flat;
    const routingNotes = chain?.routingNotes ?? flat.routingNotes;
    const approverIds = chain?.approverIds ?? route.approverIds;
    const requiredApprovals = chain?.requiredApprovals ?? route.requiredApprovals;
    const eligible = approverIds.filter((id) => id !== input.requesterSlackId);
    if (chain === null && route.outcome === 'require_approval' && eligible.length < requiredApprovals) {
      throw new AppError(
        'unprocessable',
        `this request needs ${requiredApprovals} approval(s) but only ${eligible.length} approver(s) other than the requester are routed`,
      );
    }
    if (input.breakGlass) assertBreakGlassAllowed(route);
    // An MCP tool call an approver approved "for a while" is approved again at once (one more read, mcp.* only).
    const scope =
      route.outcome === 'require_approval' && chain === null && !input.breakGlass && apiClientId !== null
        ? standingScopeOf({
            apiClientId,
            requesterSlackId: input.requesterSlackId,
            ...subject,
            context: input.context,
            requiredApprovals,
          })
        : null;
    const covering = scope === null ? null : await findCoveringApproval(deps.db, scope, approverIds, now);
    const id = input.id ?? randomUUID();
    const ttlSeconds = timeToDecide(route, input.ttlSeconds, deps.config.DEFAULT_TTL_SECONDS);
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    const paramsHash = hashParameters({ ...subject, context: input.context });
    const auditEvents: Array<Omit<AuditInput, 'requestId'>> = [
      {
        type: 'request.created',
        // A service naming a person asks on their behalf: the trail says so (onBehalfOf), not that they asked.
        actor: actingFor(actor, input.requesterSlackId),
        details: {
          ...subject,
          risk: input.risk,
          paramsHash,
          requester: input.requesterSlackId,
          rule: route.ruleName,
          channel: route.channelId,
          approvers: approverIds,
          requiredApprovals,
          ...(chain === null ? {} : { stages: chain.audit }),
          ...(input.breakGlass ? { breakGlass: true } : {}),
          ...(input.mcpClient ? { mcpClient: input.mcpClient } : {}),
          expiresAt: expiresAt.toISOString(),
          ...(routingNotes === null ? {} : { routingNotes }),
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
      approverIds,
      requiredApprovals,
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
      workflow: route.workflow,
      lastReminderSlot: 0,
      expiryWarnedAt: null,
      escalationLevel: 0,
      escalations: [],
      stageApprovers: chain?.stageApprovers ?? null,
      currentStage: 0,
      stageNoticed: 0,
      breakGlassReason: input.breakGlass?.reason ?? null,
      breakGlassAnnouncedAt: null,
      breakGlassVerdict: null,
      breakGlassReviewNote: null,
      breakGlassReviewedBy: null,
      breakGlassReviewedAt: null,
      routingNotes: routingNotes as RequestRow['routingNotes'],
      // Approver DMs (APPROVER_DMS) are owed from now on; the approvers-notify timer sends them.
      approversNotifyAt: deps.config.APPROVER_DMS && route.outcome === 'require_approval' ? now : null,
      approversNotifiedAt: null,
      notifyLaterIds: [],
      notifyLaterAt: null,
      notifiedLaterAt: null,
      mcpClientName: input.mcpClient?.name ?? null,
      mcpClientVersion: input.mcpClient?.version ?? null,
      createdAt: now,
      updatedAt: now,
      votes: [],
      questions: [],
      extensions: [],
    };
    let created = row;
    const audience = actor.type === 'service' ? actor.id : SLACK_AUDIENCE;
    if (input.breakGlass) {
      const { columns, events } = await breakGlassAtCreation(deps, row, actor, input.breakGlass.reason, audience, now);
      // Like a rule's decision, the card shows the break-glass approval from the start.
      created = { ...row, ...columns, version: 1, threadRepliedAt: now };
      auditEvents.push(...events);
    } else if (covering !== null) {
      const change = {
        at: now,
        actor: { type: 'user', id: covering.approvedBy } as const,
        reason: `covered by a standing approval until ${covering.expiresAt.toISOString()}`,
        grant: await issueGrantFor(deps, deps.db, row, now, audience),
      };
      created = { ...row, ...transitionColumns(row, 'approved', change), version: 1, threadRepliedAt: now };
      auditEvents.push(transitionEvent(row, 'approved', change), {
        type: 'standing_approval.covered',
        actor: change.actor,
        details: {
          standingApprovalId: covering.id,
          givenOn: covering.requestId,
          expiresAt: covering.expiresAt.toISOString(),
        },
      });
    } else if (route.outcome !== 'require_approval') {
      const to = route.outcome === 'auto_approve' ? 'approved' : 'denied';
      const change = {
        at: now,
        actor: { type: 'rule', id: route.ruleName ?? 'default' } as const,
        reason: to === 'denied' ? (route.denyMessage ?? `denied by rule “${route.ruleName}”`) : null,
        ...(to === 'approved'
          ? {
              grant: await issueGrantFor(deps, deps.db, row, now, audience),
            }
          : {}),
      };
      // The card shows an automatic decision from the start: no thread reply is due.
      created = { ...row, ...transitionColumns(row, to, change), version: 1, threadRepliedAt: now };
      auditEvents.push(transitionEvent(row, to, change));
    }
    // Asked to spend the grant when approved at once: approved and executed in the one insert, both
    // audited (an API client acting for the requester), so the caller acts after ONE round trip.
    if (input.executeOnApproval && created.status === 'approved' && !input.breakGlass) {
      const spent = { at: now, actor };
      const approved = created;
      created = { ...approved, ...transitionColumns(approved, 'executed', spent), version: approved.version + 1 };
      auditEvents.push(transitionEvent(approved, 'executed', spent));
    }
    // One statement: the request and its first audit events commit together.
    await insertRequest(deps.db, created, initialAuditEvents(id, auditEvents, now));
    return created;
  });
  if (!result.replayed) await deps.effects.requestCreated(result.request);
  return result;
}
