import { isCallbackStatus, wantsCallbacks } from '../services/callbacks/events.ts';
import type { Effects } from '../services/ports.ts';
import { countChanged, countCreated } from '../services/requests/outcome-metrics.ts';
import type { RequestRow } from '../services/requests/store/reads.ts';
import { owedWorkflowNotices, type WorkflowNotice } from '../services/requests/workflow-notices.ts';
import type { ReportPhase } from '../services/terraform/report.ts';
import { isRunTaskRequest } from '../services/terraform/subject.ts';
import { enqueueChainNotices } from './chain-notices.ts';
import { deliverCallbackJob } from './definitions/deliver-callback.ts';
import { postCard } from './definitions/post-card.ts';
import { reportGithub } from './definitions/report-github.ts';
import { reportRunTaskJob } from './definitions/report-run-task.ts';
import { updateCard } from './definitions/update-card.ts';
import { workflowNotice } from './definitions/workflow-notice.ts';
import { JOB_IDS } from './job-ids.ts';
import type { JobDeps } from './queues.ts';
import { syncTimers } from './timers.ts';

/**
 * Effects over the queues. Job ids are deterministic, so a repeated call schedules nothing twice.
 * Failures are logged, never thrown: the change is already committed, and the reconciler re-creates
 * what a failed enqueue left out. Committed outcomes are counted here too (created, decisions,
 * time to decide), so a transaction that rolled back is never counted.
 */
export function createEffects(
  deps: Pick<JobDeps, 'jobs' | 'changes' | 'logger' | 'now' | 'metrics'>,
  onFailure: () => void = () => {},
): Effects {
  const guarded = async (what: string, request: Pick<RequestRow, 'id'>, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (error) {
      onFailure();
      deps.logger.warn(
        { err: error, requestId: request.id, step: what },
        'follow-up work not queued; the reconciler will retry',
      );
    }
  };
  // A callback per status reached; its id makes a repeated effect a no-op.
  const callBack = (changed: RequestRow[]) => {
    const owed = changed.flatMap((r) =>
      wantsCallbacks(r) && isCallbackStatus(r.status) ? [{ requestId: r.id, status: r.status }] : [],
    );
    if (owed.length === 0) return [];
    return [
      guarded('callback', changed[0] as RequestRow, () =>
        deps.jobs.enqueueBulk(
          deliverCallbackJob,
          owed.map((payload) => ({ payload, options: { jobId: JOB_IDS.callback(payload.requestId, payload.status) } })),
        ),
      ),
    ];
  };
  // A Terraform run task's result: `running` when its request is made, `final` once decided (id per phase).
  const reportRunTasks = (requests: RequestRow[], phase: ReportPhase) => {
    const gated = requests.filter(isRunTaskRequest);
    if (gated.length === 0) return [];
    return [
      guarded('terraform.report', gated[0] as RequestRow, () =>
        deps.jobs.enqueueBulk(
          reportRunTaskJob,
          gated.map((r) => ({
            payload: { requestId: r.id, phase },
            options: { jobId: JOB_IDS.terraformReport(r.id, phase) },
          })),
        ),
      ),
    ];
  };
  // A GitHub-gated request's decision goes back to GitHub (the first report is queued once the
  // delivery is linked to its request: githubRunLinked below).
  const reportToGithub = (decided: RequestRow[]) => {
    const owed = decided.filter((r) => r.source === 'github');
    if (owed.length === 0) return [];
    return [
      guarded('github.report', owed[0] as RequestRow, () =>
        deps.jobs.enqueueBulk(
          reportGithub,
          owed.map((r) => ({
            payload: { requestId: r.id, kind: 'decision' as const },
            options: { jobId: JOB_IDS.githubReport(r.id, 'decision') },
          })),
        ),
      ),
    ];
  };
  // The card shows the row's new version, and waiters hear of the change.
  const rerender = (requests: RequestRow[]) => {
    const first = requests[0] as RequestRow;
    return [
      guarded('card.update', first, () =>
        deps.jobs.enqueueBulk(
          updateCard,
          requests.map((r) => ({
            payload: { requestId: r.id },
            options: { jobId: JOB_IDS.updateCard(r.id, r.version) },
          })),
        ),
      ),
      guarded('publish', first, () => deps.changes.publish(...requests.map((r) => r.id))),
    ];
  };
  return {
    async requestCreated(request) {
      countCreated(deps.metrics, request);
      const steps = [
        guarded('card.post', request, () =>
          deps.jobs.enqueue(postCard, { requestId: request.id }, { jobId: JOB_IDS.postCard(request.id) }),
        ),
        guarded('publish', request, () => deps.changes.publish(request.id)),
        guarded('timers', request, () => syncTimers(deps, [request], { fresh: true })),
        guarded('chain', request, () => enqueueChainNotices(deps, [request])),
      ];
      // Decided by a rule at once: the card job tells the requester the outcome in passing (post-card.ts).
      if (request.status !== 'pending') {
        steps.push(...callBack([request]), ...reportRunTasks([request], 'final'));
      } else steps.push(...reportRunTasks([request], 'running'));
      await Promise.all(steps);
    },
    async requestsChanged(requests) {
      if (requests.length === 0) return;
      countChanged(deps.metrics, requests);
      const decided = requests.filter((request) => request.status !== 'pending');
      // A chain whose next stage started owes that stage's approver DMs (decide.ts re-arms them).
      const owingDms = requests.filter(
        (r) => r.status === 'pending' && r.approversNotifyAt !== null && r.approversNotifiedAt === null,
      );
      const first = requests[0] as RequestRow;
      const steps: Array<Promise<void>> = [
        guarded('card.update', first, () =>
          deps.jobs.enqueueBulk(
            updateCard,
            requests.map((r) => ({
              payload: { requestId: r.id },
              options: { jobId: JOB_IDS.updateCard(r.id, r.version) },
            })),
          ),
        ),
        guarded('publish', first, () => deps.changes.publish(...requests.map((r) => r.id))),
        guarded('chain', first, () => enqueueChainNotices(deps, requests)),
      ];
      if (owingDms.length > 0) steps.push(guarded('timers', first, () => syncTimers(deps, owingDms)));
      if (decided.length > 0) {
        steps.push(
          ...callBack(decided),
          ...reportRunTasks(decided, 'final'),
          ...reportToGithub(decided),
          guarded('timers', first, () => syncTimers(deps, decided)),
        );
        // An extension a grant's end closed as moot owes its thread reply an update (workflow-notices.ts).
        const owed = decided.flatMap(owedWorkflowNotices);
        if (owed.length > 0) steps.push(guarded('workflow', first, () => enqueueWorkflowNotices(deps, owed)));
      }
      await Promise.all(steps);
    },
    async requestsRescheduled(requests) {
      if (requests.length === 0) return;
      const first = requests[0] as RequestRow;
      await Promise.all([
        ...rerender(requests),
        // syncTimer moves a delayed job (changeDelay): re-adding its id would keep the old delay.
        guarded('timers', first, () => syncTimers(deps, requests)),
      ]);
    },
    async cardsChanged(requests) {
      if (requests.length === 0) return;
      await Promise.all(rerender(requests));
    },
    async githubRunLinked(request) {
      const kind = request.status === 'pending' ? 'waiting' : 'decision';
      await guarded('github.report', request, () =>
        deps.jobs.enqueue(
          reportGithub,
          { requestId: request.id, kind },
          { jobId: JOB_IDS.githubReport(request.id, kind) },
        ),
      );
    },
    async runTaskRefused(runTaskId) {
      await guarded('terraform.report', { id: runTaskId }, () =>
        deps.jobs.enqueue(
          reportRunTaskJob,
          { requestId: runTaskId, phase: 'final' },
          { jobId: JOB_IDS.terraformReport(runTaskId, 'final') },
        ),
      );
    },
    async workflowNotices(notices) {
      if (notices.length === 0) return;
      try {
        await enqueueWorkflowNotices(deps, notices);
      } catch (error) {
        onFailure();
        deps.logger.warn(
          { err: error, requestId: notices[0]?.requestId },
          'workflow notices not queued; the reconciler will retry',
        );
      }
    },
  };
}

/** Queues needs-info and extension notices; an id already queued (or kept after it ran) is left as it is. */
export async function enqueueWorkflowNotices(deps: Pick<JobDeps, 'jobs'>, notices: WorkflowNotice[]): Promise<void> {
  await deps.jobs.enqueueBulk(
    workflowNotice,
    notices.map((payload) => ({ payload, options: { jobId: JOB_IDS.workflowNotice(payload.kind, payload.id) } })),
  );
}
