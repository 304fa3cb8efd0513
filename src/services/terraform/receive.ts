import type { CoreDeps } from '../ports.ts';
import { acceptRunTask } from './accept.ts';
import type { TRunTaskRun } from './payload.ts';

/**
 * Handles a verified run task delivery: accepts it (services/terraform/accept.ts); a run no request
 * could be made for is reported failed through the Effects port (a request that was made reports
 * `running` and its result as effects of its creation and decision). The access token is never logged.
 */
export async function receiveRunTask(deps: CoreDeps, run: TRunTaskRun): Promise<void> {
  const accepted = await acceptRunTask(deps, run);
  const where = { taskResultId: run.task_result_id, runId: run.run_id, stage: run.stage };
  if (accepted.kind === 'refused') {
    deps.logger.warn({ ...where, reason: accepted.failure }, 'terraform run task: no request made; reporting failed');
    await deps.effects.runTaskRefused(accepted.requestId);
  } else {
    deps.logger.info({ ...where, outcome: accepted.kind }, 'terraform run task received');
  }
}
