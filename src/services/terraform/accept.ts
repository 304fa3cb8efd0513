import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { vetCallbackUrl } from '../callbacks/ssrf.ts';
import type { CoreDeps } from '../ports.ts';
import { createRequest } from '../requests/create.ts';
import { isUniqueViolation } from '../requests/store/intake.ts';
import type { TRunTaskRun } from './payload.ts';
import { noRequesterFailure, requesterOf, runTaskSubject } from './subject.ts';

/** The integration's actor: requests it makes are `service:terraform`'s, with no API key. */
export const TERRAFORM_ACTOR = { type: 'service', id: 'terraform' } as const;

/**
 * How a run delivery ended: a request was made (its card and `running` result follow as effects), the
 * run and stage were already seen (a repeated delivery: nothing new), or no request could be made and
 * the task must be reported failed (`requestId` names the run task row, which has no request).
 */
export type RunTaskAccepted =
  | { kind: 'created'; requestId: string }
  | { kind: 'duplicate' }
  | { kind: 'refused'; requestId: string; failure: string };

/**
 * Turns a signed run task request into an approval request through the normal create path (routing,
 * card, audit). The callback URL is vetted first (the same guard as callbacks: refused → 400, nothing
 * written). The run and stage are then claimed in `terraform_run_tasks` with the run's access token
 * sealed, so a repeated delivery finds them taken and creates nothing. A run no request can be made
 * for (no requester — with REQUIRE_LINKED_REQUESTERS, a creator not in TERRAFORM_REQUESTERS — or no
 * approver routed) keeps its row with the reason, to be reported failed.
 */
export async function acceptRunTask(deps: CoreDeps, run: TRunTaskRun): Promise<RunTaskAccepted> {
  const vetted = await vetCallbackUrl(run.task_result_callback_url, {
    allowPrivate: deps.config.CALLBACK_ALLOW_PRIVATE_NETWORKS,
  });
  if (!vetted.ok) {
    throw new AppError('validation_failed', `task_result_callback_url ${vetted.message}`, [
      { path: 'task_result_callback_url', message: vetted.message },
    ]);
  }
  const requestId = randomUUID();
  try {
    await deps.db.terraformRunTask.create({
      data: {
        requestId,
        runId: run.run_id,
        stage: run.stage,
        taskResultId: run.task_result_id,
        organization: run.organization_name,
        workspace: run.workspace_name,
        callbackUrl: run.task_result_callback_url,
        accessTokenSealed: deps.box.seal(run.access_token),
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { kind: 'duplicate' };
    throw error;
  }

  const requester = requesterOf(run.run_created_by, deps.config);
  let failure: string;
  if (requester === null) {
    failure = noRequesterFailure(run.run_created_by, deps.config);
  } else {
    try {
      await createRequest(
        deps,
        {
          ...runTaskSubject(run, deps.config.TERRAFORM_ENVIRONMENT_PATTERN),
          requesterSlackId: requester,
          id: requestId,
        },
        { actor: TERRAFORM_ACTOR, source: 'terraform' },
      );
      return { kind: 'created', requestId };
    } catch (error) {
      if (!(error instanceof AppError)) {
        await deps.db.terraformRunTask.delete({ where: { requestId } }).catch(() => {});
        throw error;
      }
      failure = error.message;
    }
  }
  await deps.db.terraformRunTask.update({ where: { requestId }, data: { failure } });
  await deps.db.$transaction((tx) =>
    recordAudit(tx, {
      type: 'terraform.refused',
      actor: TERRAFORM_ACTOR,
      details: {
        runId: run.run_id,
        stage: run.stage,
        taskResultId: run.task_result_id,
        resource: `${run.organization_name}/${run.workspace_name}`,
        createdBy: run.run_created_by ?? null,
        reason: failure,
      },
    }),
  );
  return { kind: 'refused', requestId, failure };
}
