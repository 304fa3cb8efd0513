import { RETRY_WINDOW_MS } from '../services/callbacks/schedule.ts';
import { reportRunTaskJob } from './definitions/report-run-task.ts';
import { JOB_IDS } from './job-ids.ts';
import type { JobDeps } from './queues.ts';
import { requeue } from './requeue.ts';

/** Why a run task row has neither a request nor a recorded failure: the process stopped in between. */
export const INTERRUPTED = 'Greenlight stopped before the approval request was written; re-run the plan or apply';

/**
 * Re-queues the final result of every Terraform run task decided (or refused) within the retry
 * window whose result HCP has not accepted and whose last attempt is not on record, unless its job
 * is still queued — after a Redis flush, the decision still reaches HCP. A row left without its
 * request by a stop between the two writes is marked failed first, so its run is not left waiting.
 * Returns how many results were queued again.
 */
export async function requeueRunTaskResults(deps: JobDeps, now: Date, settled: Date): Promise<number> {
  const since = new Date(now.getTime() - RETRY_WINDOW_MS);
  await deps.db.$executeRaw`
    UPDATE terraform_run_tasks t SET failure = ${INTERRUPTED}
     WHERE t.failure IS NULL AND t.created_at BETWEEN ${since} AND ${settled}
       AND NOT EXISTS (SELECT 1 FROM approval_requests r WHERE r.id = t.request_id)`;
  const owed = await deps.db.$queryRaw<Array<{ id: string }>>`
    SELECT t.request_id::text AS id FROM terraform_run_tasks t
      LEFT JOIN approval_requests r ON r.id = t.request_id
     WHERE (t.failure IS NOT NULL OR r.status <> 'pending')
       AND COALESCE(r.decided_at, t.created_at) BETWEEN ${since} AND ${settled}
       AND NOT EXISTS (
         SELECT 1 FROM audit_events e
          WHERE e.type = 'terraform.reported' AND e.details->>'taskResultId' = t.task_result_id
            AND e.details->>'result' <> 'running'
            AND (e.details->>'accepted' = 'true' OR e.details->>'final' = 'true'))
     ORDER BY t.request_id LIMIT 500`;
  let queued = 0;
  for (const { id } of owed) {
    const payload = { requestId: id, phase: 'final' as const };
    if (await requeue(deps, reportRunTaskJob, payload, JOB_IDS.terraformReport(id, 'final'))) queued += 1;
  }
  return queued;
}
