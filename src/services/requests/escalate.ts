import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.ts';
import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';
import { expandApprovers } from '../routing/approvers.ts';
import { workflowOf } from '../routing/rule-schema.ts';
import { withLockedRequest } from './locking.ts';
import { getRequest, type RequestRow } from './store.ts';
import { SYSTEM } from './transition.ts';

/** One escalation level that fired, as kept on the request (`approval_requests.escalations`). */
export const ZEscalationRecord = z.object({
  /** 1 for the workflow's first level. */
  level: z.number().int().min(1),
  at: z.string(),
  /** The people this level added to the approvers (those already asked, and the requester, are not). */
  approvers: z.array(z.string()),
  channelId: z.string().nullable(),
});
export type EscalationRecord = z.infer<typeof ZEscalationRecord>;

/** The escalation levels a request went through, oldest first; anything unreadable reads as none. */
export function escalationsOf(value: unknown): EscalationRecord[] {
  const parsed = z.array(ZEscalationRecord).safeParse(value ?? []);
  return parsed.success ? parsed.data : [];
}

/**
 * Who an escalation level adds to a request: its people (user groups already expanded) who are not
 * already approvers, and never the requester — self-approval stays refused whoever escalates.
 *
 * The one place escalated people join a request. Today a request has one approver list
 * (`approverIds`, which eligibility reads); with multi-stage chains the escalated people should join
 * the CURRENT stage's approvers: adapt this function (and the columns `escalate` writes) there.
 */
export function addEscalatedApprovers(
  request: Pick<RequestRow, 'requesterSlackId' | 'approverIds'>,
  people: readonly string[],
): { approverIds: string[]; added: string[] } {
  const already = new Set(request.approverIds);
  const added = [...new Set(people)].filter((id) => id !== request.requesterSlackId && !already.has(id));
  return { approverIds: [...request.approverIds, ...added], added };
}

/**
 * Fires escalation level `index` (0 for the first) of a pending request, once: its approvers join
 * the request (see addEscalatedApprovers), the level is recorded for the card and audited
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
  const people = await expandApprovers(deps, level.approvers);
  // The lock settles the deadline: a request found overdue is expired there, and its card must say so.
  const settled: { expired: RequestRow | null } = { expired: null };
  const escalated = await withLockedRequest(deps, requestId, async (tx, locked, now) => {
    if (locked?.expiredNow) settled.expired = locked.request;
    const request = locked?.request;
    if (request === undefined || request.status !== 'pending' || request.escalationLevel !== index) return null;
    const { approverIds, added } = addEscalatedApprovers(request, people);
    const record: EscalationRecord = {
      level: index + 1,
      at: now.toISOString(),
      approvers: added,
      channelId: level.channelId,
    };
    const escalations = [...escalationsOf(request.escalations), record];
    const { count } = await tx.approvalRequest.updateMany({
      where: { id: request.id, status: 'pending', escalationLevel: index },
      data: {
        approverIds,
        escalationLevel: index + 1,
        escalations: escalations as Prisma.InputJsonValue,
        version: { increment: 1 },
      },
    });
    if (count !== 1) throw new Error(`request ${request.id} changed concurrently (escalation ${index + 1})`);
    await recordAudit(tx, {
      requestId: request.id,
      type: 'request.escalated',
      actor: SYSTEM,
      details: { level: record.level, added, channelId: level.channelId },
    });
    return {
      ...request,
      approverIds,
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
