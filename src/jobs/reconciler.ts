import { CALLBACK_STATUSES, type CallbackStatus } from '../services/callbacks/events.ts';
import { RETRY_WINDOW_MS } from '../services/callbacks/schedule.ts';
import { expireDue } from '../services/requests/expire.ts';
import {
  lostCallbackPage,
  lostGithubReportPage,
  owedOutcomeNoticePage,
  staleCardPage,
  unpostedCardPage,
} from '../services/requests/store/reconcile-queries.ts';
import { repairChainNotices } from './chain-notices.ts';
import { deliverCallbackJob } from './definitions/deliver-callback.ts';
import { postCard } from './definitions/post-card.ts';
import { reportGithub } from './definitions/report-github.ts';
import { updateCard } from './definitions/update-card.ts';
import { repairEscalationNotices } from './escalation-notices.ts';
import { JOB_IDS } from './job-ids.ts';
import { dueNotices } from './notices.ts';
import type { JobDeps } from './queues.ts';
import { requeueRunTaskResults } from './reconcile-run-tasks.ts';
import { requeue } from './requeue.ts';
import { repairTimers } from './timers.ts';
import { requeueWorkflowNotices } from './workflow-repair.ts';

const BATCH = 500;
/** At most this many pages of each kind per run; the next run carries on. */
const MAX_PAGES = 20;

/**
 * Walks rows page by page in id order, so rows whose jobs are still waiting never hide the rest
 * behind a fixed batch.
 */
async function eachPage<R extends { id: string }>(
  page: (cursor: string | undefined) => Promise<R[]>,
  each: (row: R) => Promise<void>,
): Promise<void> {
  let cursor: string | undefined;
  for (let n = 0; n < MAX_PAGES; n += 1) {
    const rows = await page(cursor);
    for (const row of rows) await each(row);
    if (rows.length < BATCH) return;
    cursor = rows.at(-1)?.id;
  }
}
/** Work younger than this is left to the jobs already queued for it (deterministic ids make a repeat harmless anyway). */
const GRACE_MS = 2000;

export interface ReconcileReport {
  /** Overdue requests expired. */
  expired: number;
  /** Timers re-created (every kind in timers.ts). */
  rescheduled: number;
  /** Cards never posted, posted again. */
  reposted: number;
  /** Cards showing an older version of their request, re-rendered. */
  refreshed: number;
  /**
   * Outcome thread replies and DMs (the decision's, and a grant end's) that never went out, sent again;
   * with a chain's stage notices, break-glass announcements and escalation levels' notices.
   */
  renotified: number;
  /** Callbacks of a request's current status, and GitHub reports, with no outcome on record and no job, queued again. */
  recalled: number;
  /** Terraform run task results decided but never accepted by HCP, with no job, queued again. */
  reported: number;
}

/**
 * Makes Redis agree with PostgreSQL, so a Redis flush, restart or outage loses nothing: expires
 * what is overdue, re-creates missing timers, re-queues cards never posted, re-renders cards whose
 * update was lost, re-sends outcome notices (decision, then grant end) that never went out, and
 * re-queues callbacks and Terraform run task results that were lost before they ended. Safe to run on
 * several instances at once: every step is idempotent.
 */
export async function reconcileNow(deps: JobDeps): Promise<ReconcileReport> {
  const now = deps.now();
  const settled = new Date(now.getTime() - GRACE_MS);
  let expired = 0;
  for (;;) {
    const batch = await expireDue(deps);
    expired += batch.length;
    if (batch.length === 0) break;
  }
  const rescheduled = await repairTimers(deps);

  let reposted = 0;
  await eachPage(
    (cursor) => unpostedCardPage(deps.db, settled, { cursor, take: BATCH }),
    async ({ id }) => {
      if (await requeue(deps, postCard, { requestId: id, recheck: true }, JOB_IDS.postCard(id))) reposted += 1;
    },
  );
  // Cards showing an older version than their row — or none recorded (an adopted card) — re-rendered.
  let refreshed = 0;
  await eachPage(
    (cursor) => staleCardPage(deps.db, settled, { cursor, take: BATCH }),
    async ({ id, version }) => {
      if (await requeue(deps, updateCard, { requestId: id }, JOB_IDS.updateCard(id, version))) refreshed += 1;
    },
  );
  // Outcome notices never sent: the decision's, and after an approval the grant end's (notices.ts).
  let renotified = 0;
  await eachPage(
    (cursor) => owedOutcomeNoticePage(deps.db, settled, { cursor, take: BATCH }),
    async (request) => {
      // A card never posted gets its replies once it is (the reposted card's next repair).
      const owed = dueNotices(request).filter((notice) => notice.place === 'dm' || request.messageTs !== null);
      if (owed.length === 0) return;
      // The request's follow-up job sends every notice still owed (definitions/update-card.ts).
      const { id, version } = request;
      if (await requeue(deps, updateCard, { requestId: id }, JOB_IDS.updateCard(id, version)))
        renotified += owed.length;
    },
  );
  // Needs-info and extension notices (questions, answers, extension replies) never sent.
  renotified += await requeueWorkflowNotices(deps, settled);
  // Multi-stage chains and break-glass: stage notices and break-glass announcements never sent.
  renotified += await repairChainNotices(deps, settled, BATCH);
  // Escalation levels: DMs to the people a level added and the post in its channel, never sent.
  renotified += await repairEscalationNotices(deps, settled, BATCH);
  const recalled =
    (await requeueLostCallbacks(deps, now, settled)) + (await requeueLostGithubReports(deps, now, settled));
  const reported = await requeueRunTaskResults(deps, now, settled);
  const report = { expired, rescheduled, reposted, refreshed, renotified, recalled, reported };
  if (Object.values(report).some((count) => count > 0)) {
    deps.logger.info(report, 'reconciler repaired queue state from PostgreSQL');
  }
  return report;
}

/**
 * Re-queues the callback of each request's current status when it changed within the retry window,
 * has no final outcome in the audit trail (delivered, skipped, or a last failed attempt) and no job
 * (lost with Redis, or never queued). A callback for an earlier status the request has since left
 * (`approved` before `executed`) is not recovered: the current one reports the request as it is.
 */
async function requeueLostCallbacks(deps: JobDeps, now: Date, settled: Date): Promise<number> {
  const since = new Date(now.getTime() - RETRY_WINDOW_MS);
  let recalled = 0;
  await eachPage(
    (cursor) =>
      lostCallbackPage<CallbackStatus>(deps.db, CALLBACK_STATUSES, { since, settled }, { cursor, take: BATCH }),
    async ({ id, status }) => {
      const jobId = JOB_IDS.callback(id, status);
      if (await requeue(deps, deliverCallbackJob, { requestId: id, status }, jobId)) recalled += 1;
    },
  );
  return recalled;
}

/**
 * Re-queues GitHub reports lost before they ended (services/github/report.ts): the status report of
 * a pending request never reported, and the decision of a decided request whose review GitHub has
 * not taken, within the retry window, with no final failed attempt on record and no job.
 */
async function requeueLostGithubReports(deps: JobDeps, now: Date, settled: Date): Promise<number> {
  const since = new Date(now.getTime() - RETRY_WINDOW_MS);
  let recalled = 0;
  await eachPage(
    (cursor) => lostGithubReportPage(deps.db, { since, settled }, { cursor, take: BATCH }),
    async ({ id, kind }) => {
      if (await requeue(deps, reportGithub, { requestId: id, kind }, JOB_IDS.githubReport(id, kind))) recalled += 1;
    },
  );
  return recalled;
}
