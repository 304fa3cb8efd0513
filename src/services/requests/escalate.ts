import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.ts';
import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';
import { expandApprovers } from '../routing/approvers.ts';
import { routeAroundAway } from '../routing/away-routing.ts';
import { workflowOf } from '../routing/rule-schema.ts';
import { withLockedRequest } from './locking.ts';
import { requestStageProgress } from './stages.ts';
import { recordEscalation } from './store/changes.ts';
import { getRequest, type RequestRow } from './store/reads.ts';
import { SYSTEM } from './transition.ts';

/** One escalation level that fired, as kept on the request (`approval_requests.escalations`). */
export const ZEscalationRecord = z.object({
  /** 1 for the workflow's first level. */
  level: z.number().int().min(1),
  at: z.string(),
  /** The people this level added to the approvers (those already asked, and the requester, are not). */
  approvers: z.array(z.string()),
  channelId: z.string().nullable(),
  /** Multi-stage chains: the stage (0-based) they joined, the one deciding when the level fired. */
  stage: z.number().int().min(0).optional(),
  /** The level's people who were away, and their delegates (asked instead), as routing found them. */
  away: z.array(z.object({ user: z.string(), until: z.string(), delegate: z.string().nullable() })).optional(),
  /**
   * Whose notice of this level went out (or was refused by Slack for good): the added approvers' user
   * ids, and the level's channel id for its post (services/requests/escalation-notices.ts). Absent on
   * levels recorded before notices were tracked, which count as told.
   */
  notified: z.array(z.string()).optional(),
});
export type EscalationRecord = z.infer<typeof ZEscalationRecord>;

/** The escalation levels a request went through, oldest first; anything unreadable reads as none. */
export function escalationsOf(value: unknown): EscalationRecord[] {
  const parsed = z.array(ZEscalationRecord).safeParse(value ?? []);
  return parsed.success ? parsed.data : [];
}

/**
 * Who an escalation level adds to a request: its people (user groups already expanded, away ones
 * already replaced by their delegates) who are not already approvers, and never the requester —
 * self-approval stays refused whoever escalates. The one place escalated people join a request.
 *
 * With a multi-stage chain (`chain`: each stage's approvers and the stage deciding now), they join the
 * CURRENT stage: its approver list in `stage_approvers` (eligibility reads it) as well as
 * `approver_ids` (the union), and count toward that stage's quorum. Someone already routed to any
 * stage is not added again: one person counts in at most one stage.
 */
export function addEscalatedApprovers(
  request: Pick<RequestRow, 'requesterSlackId' | 'approverIds'>,
  people: readonly string[],
  chain: { stageApprovers: readonly (readonly string[])[]; current: number } | null = null,
): { approverIds: string[]; stageApprovers: string[][] | null; added: string[] } {
  const already = new Set([...request.approverIds, ...(chain?.stageApprovers.flat() ?? [])]);
  const added = [...new Set(people)].filter((id) => id !== request.requesterSlackId && !already.has(id));
  const stageApprovers =
    chain === null
      ? null
      : chain.stageApprovers.map((ids, index) => (index === chain.current ? [...ids, ...added] : [...ids]));
  return { approverIds: [...request.approverIds, ...added], stageApprovers, added };
}

/**
 * Fires escalation level `index` (0 for the first) of a pending request, once: its approvers join
 * the request (see addEscalatedApprovers; with stages, the current stage), the level is recorded for the card and audited
 * (`request.escalated`). The write is conditional on the level not having fired yet, under the row
 * lock, so a repeated job, a second instance or a re-created timer changes nothing. Returns the
 * request as escalated, or null when there was nothing to do (decided, fired already, no such level).
 */
export async function escalate(deps: CoreDeps, requestId: string, index: number): Promise<RequestRow | null> {
  const before = await getRequest(deps.db, requestId);
  const level = before === null ? undefined : workflowOf(before.workflow).escalation[index];
  if (before === null || level === undefined || before.status !== 'pending' || before.escalationLevel !== index) {
    return null;
  }
  // Slack is asked outside the transaction: no row lock is held across a network call.
  const expanded = await expandApprovers(deps, level.approvers);
  // Away people are replaced by their delegates, as at creation (all away: all are added anyway).
  const routed = await routeAroundAway(deps, expanded, {
    requesterId: before.requesterSlackId,
    requiredApprovals: 1,
    now: deps.now(),
  });
  const people = routed.approverIds;
  // The lock settles the deadline: a request found overdue is expired there, and its card must say so.
  const settled: { expired: RequestRow | null } = { expired: null };
  const escalated = await withLockedRequest(deps, requestId, async (tx, locked, now) => {
    if (locked?.expiredNow) settled.expired = locked.request;
    const request = locked?.request;
    if (request === undefined || request.status !== 'pending' || request.escalationLevel !== index) return null;
    // With stages, the escalated people join the stage deciding now.
    const progress = requestStageProgress(request);
    const chain =
      progress === null
        ? null
        : { stageApprovers: progress.stages.map((s) => s.approverIds), current: progress.current };
    const { approverIds, stageApprovers, added } = addEscalatedApprovers(request, people, chain);
    const record: EscalationRecord = {
      level: index + 1,
      at: now.toISOString(),
      approvers: added,
      channelId: level.channelId,
      ...(chain === null ? {} : { stage: chain.current }),
      ...(routed.notes === null ? {} : { away: routed.notes.away }),
      notified: [],
    };
    const escalations = [...escalationsOf(request.escalations), record];
    const escalated = await recordEscalation(tx, request.id, index, {
      approverIds,
      stageApprovers,
      escalations: escalations as Prisma.InputJsonValue,
    });
    if (!escalated) throw new Error(`request ${request.id} changed concurrently (escalation ${index + 1})`);
    await recordAudit(tx, {
      requestId: request.id,
      type: 'request.escalated',
      actor: SYSTEM,
      details: {
        level: record.level,
        added,
        channelId: level.channelId,
        ...(record.stage === undefined ? {} : { stage: record.stage }),
        ...(record.away === undefined ? {} : { away: record.away }),
      },
    });
    return {
      ...request,
      approverIds,
      stageApprovers: stageApprovers ?? request.stageApprovers,
      escalationLevel: index + 1,
      escalations,
      version: request.version + 1,
      updatedAt: now,
    } satisfies RequestRow;
  });
  const changed = escalated ?? settled.expired;
  if (changed !== null) await deps.effects.requestsChanged([changed]);
  return escalated;
}
