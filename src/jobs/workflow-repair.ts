import { getRequests } from '../services/requests/store/reads.ts';
import { owedWorkflowNotices } from '../services/requests/workflow-notices.ts';
import { workflowNotice } from './definitions/workflow-notice.ts';
import { JOB_IDS } from './job-ids.ts';
import type { JobDeps } from './queues.ts';
import { requeue } from './requeue.ts';

/** At most this many requests with owed notices per reconciler run; the next run carries on. */
const LIMIT = 500;

/**
 * Re-queues needs-info and extension notices that never went out (lost with Redis, or never queued):
 * questions and extensions whose notice columns are still empty, settled for a moment (younger work
 * is left to the jobs already queued). Returns how many it queued again.
 */
export async function requeueWorkflowNotices(deps: JobDeps, settled: Date): Promise<number> {
  const rows = await deps.db.$queryRaw<Array<{ id: string }>>`
    SELECT DISTINCT request_id::text AS id FROM (
      SELECT request_id FROM request_questions
       WHERE asked_at <= ${settled}
         AND (asked_thread_at IS NULL OR asked_dm_at IS NULL
              OR (answered_at IS NOT NULL AND (answered_thread_at IS NULL OR answered_dm_at IS NULL)))
      UNION ALL
      SELECT request_id FROM grant_extensions
       WHERE requested_at <= ${settled}
         AND (requested_notice_at IS NULL OR (status <> 'pending' AND closed_notice_at IS NULL))
    ) owed LIMIT ${LIMIT}`;
  let queued = 0;
  for (const request of await getRequests(
    deps.db,
    rows.map((row) => row.id),
  )) {
    for (const notice of owedWorkflowNotices(request)) {
      if (await requeue(deps, workflowNotice, notice, JOB_IDS.workflowNotice(notice.kind, notice.id))) queued += 1;
    }
  }
  return queued;
}
