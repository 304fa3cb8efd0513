import { GRANT_END_STATUSES } from '../../../domain/request-status.ts';
import type { Prisma } from '../../../generated/prisma/client.ts';
import type { Tx } from '../../types.ts';

/** The request columns a timer's due time (and its step) is read from (jobs/timers.ts). */
export const TIMER_ROW_SELECT = {
  id: true,
  status: true,
  createdAt: true,
  expiresAt: true,
  grantExpiresAt: true,
  slackError: true,
  workflow: true,
  lastReminderSlot: true,
  expiryWarnedAt: true,
  escalationLevel: true,
  approversNotifyAt: true,
  approversNotifiedAt: true,
  notifyLaterAt: true,
  notifiedLaterAt: true,
  currentStage: true,
} satisfies Prisma.ApprovalRequestSelect;

/**
 * One page of the requests that `owed` says owe a timer, in id order after `cursor`: the reconciler
 * pages through them to find timers Redis lost. One statement a page.
 */
export function owedTimerPage(
  db: Tx,
  owed: Prisma.ApprovalRequestWhereInput,
  cursor: string | undefined,
  take: number,
) {
  return db.approvalRequest.findMany({
    where: owed,
    select: TIMER_ROW_SELECT,
    orderBy: { id: 'asc' },
    take,
    ...(cursor === undefined ? {} : { cursor: { id: cursor }, skip: 1 }),
  });
}

/** A page after `cursor` in id order: the reconciler's paged reads take one a statement. */
export interface Page {
  cursor: string | undefined;
  take: number;
}

/** A window of time: work that changed in it (and settled by its end) is looked at again. */
export interface Window {
  since: Date;
  settled: Date;
}

const FIRST_ID = '00000000-0000-0000-0000-000000000000';
const after = (cursor: string | undefined) => (cursor === undefined ? {} : { id: { gt: cursor } });

/** Requests whose card was never posted (nor refused for good), created by `settled`. */
export function unpostedCardPage(db: Tx, settled: Date, page: Page) {
  return db.approvalRequest.findMany({
    where: { messageTs: null, slackError: null, createdAt: { lte: settled }, ...after(page.cursor) },
    select: { id: true },
    orderBy: { id: 'asc' },
    take: page.take,
  });
}

/** Cards showing an older version than their row — or none recorded (an adopted card) — settled by `settled`. */
export function staleCardPage(db: Tx, settled: Date, page: Page) {
  return db.$queryRaw<Array<{ id: string; version: number }>>`
      SELECT id::text AS id, version FROM approval_requests
       WHERE message_ts IS NOT NULL AND slack_error IS NULL
         AND (card_version IS NULL OR card_version < version) AND updated_at <= ${settled}
         AND id > ${page.cursor ?? FIRST_ID}::uuid
       ORDER BY id LIMIT ${page.take}`;
}

/**
 * Requests owing an outcome notice (jobs/notices.ts): the decision's thread reply or DM, and after
 * an approval the grant end's, settled by `settled`; with the marks that say which.
 */
export function owedOutcomeNoticePage(db: Tx, settled: Date, page: Page) {
  const cardShown = { messageTs: { not: null }, slackError: null };
  const ended = { status: { in: [...GRANT_END_STATUSES] } };
  const endedBefore = { OR: [{ executedAt: { lte: settled } }, { grantEndedAt: { lte: settled } }] };
  return db.approvalRequest.findMany({
    where: {
      OR: [
        { status: { not: 'pending' }, decidedAt: { lte: settled }, outcomeDmAt: null },
        { status: { not: 'pending' }, decidedAt: { lte: settled }, threadRepliedAt: null, ...cardShown },
        { status: { in: ['revoked', 'lapsed'] }, ...endedBefore, grantEndDmAt: null },
        { ...ended, ...endedBefore, grantEndRepliedAt: null, ...cardShown },
      ],
      ...after(page.cursor),
    },
    select: {
      id: true,
      version: true,
      status: true,
      slackError: true,
      messageTs: true,
      threadRepliedAt: true,
      outcomeDmAt: true,
      grantEndRepliedAt: true,
      grantEndDmAt: true,
    },
    orderBy: { id: 'asc' },
    take: page.take,
  });
}

/**
 * Requests whose current status (one of `statuses`) changed in `window` and owes a callback with no
 * final outcome in the audit trail (delivered, skipped, or a last failed attempt).
 */
export function lostCallbackPage<S extends string>(db: Tx, statuses: readonly S[], window: Window, page: Page) {
  return db.$queryRaw<Array<{ id: string; status: S }>>`
      SELECT r.id::text AS id, r.status::text AS status FROM approval_requests r
       WHERE r.callback_url IS NOT NULL AND r.callbacks_stopped_at IS NULL AND r.api_client_id IS NOT NULL
         AND r.status::text = ANY(${[...statuses]}::text[])
         AND COALESCE(r.grant_ended_at, r.executed_at, r.decided_at) BETWEEN ${window.since} AND ${window.settled}
         AND r.id > ${page.cursor ?? FIRST_ID}::uuid
         AND NOT EXISTS (
           SELECT 1 FROM audit_events e
            WHERE e.request_id = r.id AND e.details->>'event' = 'request.' || r.status::text
              AND (e.type IN ('callback.delivered', 'callback.skipped')
                   OR (e.type = 'callback.failed' AND e.details->>'final' = 'true')))
       ORDER BY r.id LIMIT ${page.take}`;
}

/**
 * GitHub reports never ended (services/github/report.ts): the status report of a pending request
 * never reported, and the decision of a request decided in `window` whose review GitHub has not
 * taken, with no final failed attempt on record.
 */
export function lostGithubReportPage(db: Tx, window: Window, page: Page) {
  return db.$queryRaw<Array<{ id: string; kind: 'waiting' | 'decision' }>>`
      SELECT r.id::text AS id, CASE WHEN r.status = 'pending' THEN 'waiting' ELSE 'decision' END AS kind
        FROM approval_requests r JOIN github_deployments g ON g.request_id = r.id
       WHERE g.reported_state IS NULL
         AND ((r.status = 'pending' AND g.status_reported_at IS NULL AND g.created_at <= ${window.settled})
              OR (r.status <> 'pending' AND r.decided_at BETWEEN ${window.since} AND ${window.settled}))
         AND r.id > ${page.cursor ?? FIRST_ID}::uuid
         AND NOT EXISTS (
           SELECT 1 FROM audit_events e
            WHERE e.request_id = r.id AND e.type = 'github.report_failed' AND e.details->>'final' = 'true'
              AND e.details->>'kind' = CASE WHEN r.status = 'pending' THEN 'waiting' ELSE 'decision' END)
       ORDER BY r.id LIMIT ${page.take}`;
}

/** Pending requests of a chain whose started stage was not announced in the card's thread, settled by `settled`. */
export function owedStageNotices(db: Tx, settled: Date, limit: number) {
  return db.$queryRaw<Array<{ id: string; stage: number }>>`
      SELECT id::text AS id, current_stage AS stage FROM approval_requests
       WHERE status = 'pending' AND current_stage > stage_noticed AND message_ts IS NOT NULL
         AND slack_error IS NULL AND updated_at <= ${settled}
       ORDER BY id LIMIT ${limit}`;
}

/** Break-glass uses decided by `settled` and never announced. */
export function owedBreakGlassAnnouncements(db: Tx, settled: Date, limit: number) {
  return db.$queryRaw<Array<{ id: string }>>`
      SELECT id::text AS id FROM approval_requests
       WHERE break_glass_reason IS NOT NULL AND break_glass_announced_at IS NULL AND decided_at <= ${settled}
       ORDER BY id LIMIT ${limit}`;
}

/**
 * Pending requests with an escalation level that fired by `settled` and whose notices (a DM to each
 * person it added, the post in its channel) are not all recorded as sent.
 */
export function owedEscalationNoticeIds(db: Tx, settled: Date, limit: number) {
  return db.$queryRaw<Array<{ id: string }>>`
    SELECT r.id::text AS id FROM approval_requests r
     WHERE r.status = 'pending' AND jsonb_typeof(r.escalations) = 'array'
       AND EXISTS (
         SELECT 1 FROM jsonb_array_elements(r.escalations) e
          WHERE jsonb_typeof(e -> 'notified') = 'array' AND (e ->> 'at')::timestamptz <= ${settled}
            AND (EXISTS (SELECT 1 FROM jsonb_array_elements(e -> 'approvers') a
                          WHERE NOT (e -> 'notified') @> jsonb_build_array(a))
                 OR (jsonb_typeof(e -> 'channelId') = 'string'
                     AND NOT (e -> 'notified') @> jsonb_build_array(e -> 'channelId'))))
     ORDER BY r.id LIMIT ${limit}`;
}

/**
 * Marks failed (with `failure`) the Terraform run tasks created in `window` and left without their
 * request by a stop between the two writes, so their run is not left waiting.
 */
export async function failOrphanRunTasks(db: Tx, window: Window, failure: string): Promise<void> {
  await db.$executeRaw`
    UPDATE terraform_run_tasks t SET failure = ${failure}
     WHERE t.failure IS NULL AND t.created_at BETWEEN ${window.since} AND ${window.settled}
       AND NOT EXISTS (SELECT 1 FROM approval_requests r WHERE r.id = t.request_id)`;
}

/**
 * The requests of Terraform run tasks decided (or refused) in `window` whose final result HCP has
 * not accepted and whose last attempt is not on record.
 */
export function owedRunTaskResults(db: Tx, window: Window) {
  return db.$queryRaw<Array<{ id: string }>>`
    SELECT t.request_id::text AS id FROM terraform_run_tasks t
      LEFT JOIN approval_requests r ON r.id = t.request_id
     WHERE (t.failure IS NOT NULL OR r.status <> 'pending')
       AND COALESCE(r.decided_at, t.created_at) BETWEEN ${window.since} AND ${window.settled}
       AND NOT EXISTS (
         SELECT 1 FROM audit_events e
          WHERE e.type = 'terraform.reported' AND e.details->>'taskResultId' = t.task_result_id
            AND e.details->>'result' <> 'running'
            AND (e.details->>'accepted' = 'true' OR e.details->>'final' = 'true'))
     ORDER BY t.request_id LIMIT 500`;
}
