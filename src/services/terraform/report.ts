import { recordAudit } from '../audit/audit.ts';
import {
  type CallbackTiming,
  DELIVERY_DONE,
  type DeliveryOutcome,
  type RetriedAttempt,
} from '../callbacks/schedule.ts';
import { type SendResult, sendPinned } from '../callbacks/send.ts';
import { vetCallbackUrl } from '../callbacks/ssrf.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from '../requests/locking.ts';
import { getRequest } from '../requests/store/reads.ts';
import { SYSTEM } from '../requests/transition.ts';
import { finalResult, refusedResult, runningResult, type TaskResult } from './result.ts';

/** Which result a report sends: `running` while the request waits, or the `final` one. */
export const REPORT_PHASES = ['running', 'final'] as const;
export type ReportPhase = (typeof REPORT_PHASES)[number];

/** The User-Agent of task result PATCHes. */
export const TERRAFORM_USER_AGENT = 'Greenlight-RunTask/1';

/** One attempt at reporting one run task's result. */
export interface ReportAttempt extends RetriedAttempt {
  requestId: string;
  phase: ReportPhase;
}

type ReportDeps = CoreDeps & { callbackTiming: CallbackTiming };

/**
 * PATCHes a run task's result to its `task_result_callback_url`, with the run's access token (opened
 * from its sealed copy only here) as Bearer, in HCP's JSON:API shape. The result is read from the
 * request as it is now: a `running` report finds it decided and sends nothing (the final report says
 * it all); a final report already accepted is not sent again. The URL is vetted at each attempt like
 * a callback's and the connection pinned. Any 2xx ends the report; other answers are retried by the
 * caller. Every attempt is audited as `terraform.reported` (on the request, or in the global stream
 * for a run no request was made for); the token never is.
 */
export async function reportRunTask(deps: ReportDeps, input: ReportAttempt): Promise<DeliveryOutcome> {
  const task = await deps.db.terraformRunTask.findUnique({ where: { requestId: input.requestId } });
  if (task === null) return DELIVERY_DONE;
  let result: TaskResult | null;
  let onRequest = false;
  if (task.failure !== null) {
    result = input.phase === 'final' ? refusedResult(task.failure) : null;
  } else {
    const request = await getRequest(deps.db, input.requestId);
    if (request === null) return DELIVERY_DONE;
    onRequest = true;
    result = input.phase === 'running' ? runningResult(request) : finalResult(request);
  }
  if (result === null || (await finalReported(deps, onRequest ? input.requestId : null, task.taskResultId)))
    return DELIVERY_DONE;

  const audit = (details: Record<string, unknown>) =>
    record(deps, onRequest ? input.requestId : null, {
      taskResultId: task.taskResultId,
      runId: task.runId,
      stage: task.stage,
      result: result.status,
      attempt: input.attempt,
      ...details,
    });
  const vetted = await vetCallbackUrl(task.callbackUrl, { allowPrivate: deps.config.CALLBACK_ALLOW_PRIVATE_NETWORKS });
  if (!vetted.ok) {
    const retry = vetted.reason === 'unresolvable' && !input.last;
    await audit({ status: null, error: vetted.message, ...(retry ? {} : { final: true }) });
    return retry ? { done: false, why: vetted.message } : DELIVERY_DONE;
  }
  const body = JSON.stringify({ data: { type: 'task-results', attributes: result } });
  const headers = {
    'content-type': 'application/vnd.api+json',
    accept: 'application/vnd.api+json',
    authorization: `Bearer ${deps.box.open(task.accessTokenSealed)}`,
    'user-agent': TERRAFORM_USER_AGENT,
  };
  const sent: SendResult = await sendPinned(
    'PATCH',
    vetted.url,
    vetted.addresses,
    headers,
    body,
    deps.callbackTiming.attemptTimeoutMs,
  );
  const status = 'status' in sent ? sent.status : null;
  const accepted = status !== null && status >= 200 && status < 300;
  const done = accepted || input.last;
  await audit({
    status,
    durationMs: sent.durationMs,
    ...('error' in sent ? { error: sent.error } : {}),
    ...(accepted ? { accepted: true } : {}),
    ...(!accepted && done ? { final: true } : {}),
  });
  if (done) return DELIVERY_DONE;
  return { done: false, why: 'error' in sent ? sent.error : `HCP Terraform answered ${status}` };
}

/** Whether a passed/failed result of this task was already accepted (a repeated job sends nothing twice). */
async function finalReported(
  deps: Pick<CoreDeps, 'db'>,
  requestId: string | null,
  taskResultId: string,
): Promise<boolean> {
  const found = await deps.db.auditEvent.findFirst({
    where: {
      requestId,
      type: 'terraform.reported',
      AND: [
        { details: { path: ['taskResultId'], equals: taskResultId } },
        { details: { path: ['accepted'], equals: true } },
        { NOT: { details: { path: ['result'], equals: 'running' } } },
      ],
    },
    select: { id: true },
  });
  return found !== null;
}

/** Audits one attempt: under the request's row lock, or in the global stream for a refused run. */
async function record(deps: ReportDeps, requestId: string | null, details: Record<string, unknown>): Promise<void> {
  const event = { requestId, type: 'terraform.reported', actor: SYSTEM, details };
  if (requestId === null) {
    await deps.db.$transaction((tx) => recordAudit(tx, event));
    return;
  }
  const locked = await withLockedRequest(deps, requestId, async (tx, current) => {
    if (current !== null) await recordAudit(tx, event);
    return current;
  });
  if (locked?.expiredNow) await deps.effects.requestsChanged([locked.request]);
}
