import { owedEscalationNotices } from '../services/requests/escalation-notices.ts';
import type { RequestRow } from '../services/requests/store/reads.ts';
import { getRequests } from '../services/requests/store/reads.ts';
import { owedEscalationNoticeIds } from '../services/requests/store/reconcile-queries.ts';
import { escalationNotice } from './definitions/escalation-notice.ts';
import { JOB_IDS } from './job-ids.ts';
import type { JobDeps } from './queues.ts';
import { requeue } from './requeue.ts';

/**
 * Queues the notices escalation level `level` of a request still owes (a DM to each person it added,
 * a post in its channel). Ids are per level and recipient, so repeating this is harmless.
 */
export async function enqueueEscalationNotices(
  deps: Pick<JobDeps, 'jobs'>,
  request: Pick<RequestRow, 'id' | 'status' | 'escalations'>,
  level: number,
): Promise<void> {
  await deps.jobs.enqueueBulk(
    escalationNotice,
    owedEscalationNotices(request, level).map((payload) => ({
      payload,
      options: { jobId: JOB_IDS.escalationNotice(payload.requestId, payload.level, payload.userId) },
    })),
  );
}

/**
 * The reconciler's part for escalation levels: notices of a level that fired, settled for a moment
 * (younger ones are left to the jobs already queued), and never recorded as sent — lost with Redis,
 * or never queued — are queued again. Returns how many.
 */
export async function repairEscalationNotices(deps: JobDeps, settled: Date, limit: number): Promise<number> {
  const rows = await owedEscalationNoticeIds(deps.db, settled, limit);
  let queued = 0;
  for (const request of await getRequests(
    deps.db,
    rows.map((row) => row.id),
  )) {
    for (const notice of owedEscalationNotices(request)) {
      const jobId = JOB_IDS.escalationNotice(notice.requestId, notice.level, notice.userId);
      if (await requeue(deps, escalationNotice, notice, jobId)) queued += 1;
    }
  }
  return queued;
}
