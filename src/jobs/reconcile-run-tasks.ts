import { RETRY_WINDOW_MS } from '../services/callbacks/schedule.ts';
import { failOrphanRunTasks, owedRunTaskResults } from '../services/requests/store/reconcile-queries.ts';
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
  const window = { since, settled };
  await failOrphanRunTasks(deps.db, window, INTERRUPTED);
  const owed = await owedRunTaskResults(deps.db, window);
  let queued = 0;
  for (const { id } of owed) {
    const payload = { requestId: id, phase: 'final' as const };
    if (await requeue(deps, reportRunTaskJob, payload, JOB_IDS.terraformReport(id, 'final'))) queued += 1;
  }
  return queued;
}
