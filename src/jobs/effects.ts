import { isCallbackStatus, wantsCallbacks } from '../services/callbacks/events.ts';
import type { Effects } from '../services/ports.ts';
import { countChanged, countCreated } from '../services/requests/outcome-metrics.ts';
import type { RequestRow } from '../services/requests/store.ts';
import { deliverCallbackJob } from './definitions/deliver-callback.ts';
import { postCard } from './definitions/post-card.ts';
import { reportGithub } from './definitions/report-github.ts';
import { updateCard } from './definitions/update-card.ts';
import { JOB_IDS } from './job-ids.ts';
import { dueNotices, enqueueNotices } from './notices.ts';
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
  const guarded = async (what: string, request: RequestRow, step: () => Promise<unknown>) => {
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
  // Every outcome notice the changed requests are owed and not yet sent (notices.ts decides which).
  const notifyOutcome = (decided: RequestRow[]) => [
    guarded('notices', decided[0] as RequestRow, () => enqueueNotices(deps, decided.flatMap(dueNotices))),
  ];
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
  // A GitHub-gated request's decision goes back to GitHub (the first report is queued once the
  // delivery is linked to its request: http/integrations/github.ts).
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
  return {
    async requestCreated(request) {
      countCreated(deps.metrics, request);
      const steps = [
        guarded('card.post', request, () =>
          deps.jobs.enqueue(postCard, { requestId: request.id }, { jobId: JOB_IDS.postCard(request.id) }),
        ),
        guarded('publish', request, () => deps.changes.publish(request.id)),
        guarded('timers', request, () => syncTimers(deps, [request], { fresh: true })),
      ];
      // Decided by a rule at once: the requester hears the outcome (the card itself shows it, so no thread reply).
      if (request.status !== 'pending') steps.push(...notifyOutcome([request]), ...callBack([request]));
      await Promise.all(steps);
    },
    async requestsChanged(requests) {
      if (requests.length === 0) return;
      countChanged(deps.metrics, requests);
      const decided = requests.filter((request) => request.status !== 'pending');
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
      ];
      if (decided.length > 0) {
        steps.push(
          ...notifyOutcome(decided),
          ...callBack(decided),
          ...reportToGithub(decided),
          guarded('timers', first, () => syncTimers(deps, decided)),
        );
      }
      await Promise.all(steps);
    },
  };
}
