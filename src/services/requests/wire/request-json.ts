import { actingFor, parseActorKey } from '../../../domain/actor.ts';
import { requestStageProgress, stageStatus } from '../stages.ts';
import type { AuditRow, RequestRow } from '../store.ts';
import type { RequestJson } from './request-schema.ts';

/** A JSON column the validators only ever let an object into (a request's context, an audit event's details). */
function storedObject<T extends object>(value: unknown): T {
  return value as T;
}

/** Needs info and extensions as the API shows them: the open question (`needsInfo`), all questions, all extensions. */
function workflowJson(request: RequestRow): Pick<RequestJson, 'needsInfo' | 'questions' | 'extensions'> {
  const questions = request.questions.map((q) => ({
    id: q.id,
    askedBy: q.asker,
    question: q.question,
    askedAt: q.askedAt.toISOString(),
    answer: q.answer,
    answeredAt: q.answeredAt?.toISOString() ?? null,
    extendedBySeconds: q.extendedBySeconds,
  }));
  return {
    needsInfo: request.status === 'pending' ? (questions.find((q) => q.answeredAt === null) ?? null) : null,
    questions,
    extensions: request.extensions.map((e) => ({
      id: e.id,
      seconds: e.seconds,
      reason: e.reason,
      requestedBy: e.requestedBy,
      requestedAt: e.requestedAt.toISOString(),
      status: e.status,
      decidedBy: e.decidedBy,
      decidedAt: e.decidedAt?.toISOString() ?? null,
      grantExpiresAt: e.grantExpiresAt?.toISOString() ?? null,
    })),
  };
}

/** Multi-stage chains: every stage, who approved it and how it stands; null without stages. */
function stagesJson(request: RequestRow): RequestJson['stages'] {
  const chain = requestStageProgress(request);
  if (chain === null) return null;
  return chain.stages.map((stage, index) => ({
    name: stage.name,
    requiredApprovals: stage.requiredApprovals,
    approvers: [...stage.approverIds],
    approvedBy: chain.approvedBy[index] ?? [],
    status: stageStatus(chain, index, request.status === 'pending'),
  }));
}

/** The public JSON shape of a request (the API contract), typed by `ZRequestJson` in schemas.ts. */
export function toRequestJson(request: RequestRow, audit?: AuditRow[]): RequestJson {
  return {
    id: request.id,
    status: request.status,
    action: request.action,
    resource: request.resource,
    environment: request.environment,
    risk: request.risk,
    reason: request.reason,
    context: storedObject<RequestJson['context']>(request.context),
    paramsHash: request.paramsHash,
    requester: { slackUserId: request.requesterSlackId, email: request.requesterEmail },
    source: request.source,
    route: {
      rule: request.ruleId === null ? null : { id: request.ruleId, name: request.ruleName },
      channel: request.channelId,
      approvers: request.approverIds,
      requiredApprovals: request.requiredApprovals,
    },
    expiresAt: request.expiresAt.toISOString(),
    createdAt: request.createdAt.toISOString(),
    decision:
      request.decidedAt === null
        ? null
        : {
            status: request.status,
            by: request.decidedBy,
            actor:
              request.decidedBy === null ? null : actingFor(parseActorKey(request.decidedBy), request.requesterSlackId),
            at: request.decidedAt.toISOString(),
            reason: request.decisionReason,
            grantExpiresAt: request.grantExpiresAt?.toISOString() ?? null,
          },
    executedAt: request.executedAt?.toISOString() ?? null,
    grantEnd:
      request.grantEndedAt === null
        ? null
        : {
            status: request.status,
            at: request.grantEndedAt.toISOString(),
            by: request.grantEndedBy,
            actor:
              request.grantEndedBy === null
                ? null
                : actingFor(parseActorKey(request.grantEndedBy), request.requesterSlackId),
            reason: request.grantEndReason,
          },
    // Only the owning client ever reads this object (routes check ownership), and only while it can be spent.
    grant:
      request.status === 'approved' && request.grantToken !== null && request.grantExpiresAt !== null
        ? { token: request.grantToken, expiresAt: request.grantExpiresAt.toISOString() }
        : null,
    votes: request.votes.map((vote) => ({
      voter: vote.voterId,
      decision: vote.decision,
      reason: vote.reason,
      stage: vote.stage,
      at: vote.createdAt.toISOString(),
    })),
    ...workflowJson(request),
    stages: stagesJson(request),
    breakGlass: request.breakGlassReason !== null,
    breakGlassReview:
      request.breakGlassReviewedAt === null || request.breakGlassReviewedBy === null
        ? null
        : {
            verdict: request.breakGlassVerdict as 'acceptable' | 'not_acceptable',
            note: request.breakGlassReviewNote,
            by: request.breakGlassReviewedBy,
            at: request.breakGlassReviewedAt.toISOString(),
          },
    slack: { channel: request.channelId, messageTs: request.messageTs, error: request.slackError },
    callbackUrl: request.callbackUrl,
    ...(audit === undefined
      ? {}
      : {
          audit: audit.map((event) => ({
            id: event.id.toString(),
            type: event.type,
            actor: { type: event.actorType, id: event.actorId },
            details: storedObject<Record<string, unknown>>(event.details),
            at: event.createdAt.toISOString(),
          })),
        }),
  };
}
