/* The watchdog that keeps the reconciler scheduled; apart from reconciler.ts so the reconcile job definition and the repair it runs do not import each other. */
import { reconcile } from './definitions/reconcile.ts';
import { JOB_IDS } from './job-ids.ts';
import { type JobDeps, QUEUES } from './queues.ts';
import { reconcileNow } from './reconciler.ts';

/** Installs (or keeps) the job scheduler that runs the reconciler once per interval across all instances. */
async function installScheduler(deps: Pick<JobDeps, 'jobs'>, everyMs: number): Promise<void> {
  await deps.jobs
    .queue(QUEUES.timers)
    .upsertJobScheduler(
      JOB_IDS.reconcileScheduler,
      { every: everyMs },
      { name: reconcile.name, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
}

export interface Reconciler {
  /** Runs one watchdog check now. */
  check(): Promise<void>;
  /** Asks the next check to repair even if the scheduler survived (an enqueue failed meanwhile). */
  requestRepair(): void;
  stop(): Promise<void>;
}

/**
 * Keeps the reconciler alive whatever happens to Redis. The scheduled job runs the repair once per
 * interval across all instances; but a FLUSHALL, or Redis coming back empty, deletes that scheduler
 * too. So every instance also checks, once per interval in-process, that the scheduler exists: when
 * it is gone (or a follow-up enqueue failed meanwhile), it reinstalls it and repairs at once. The
 * repair is idempotent, so several instances noticing together is harmless.
 */
export async function startReconciler(deps: JobDeps, everyMs: number): Promise<Reconciler> {
  let repairWanted = true;
  let running: Promise<void> | undefined;
  const check = async () => {
    // Listed from the schedulers' index: getJobScheduler can miss one while it is between iterations.
    const schedulers = await deps.jobs.queue(QUEUES.timers).getJobSchedulers();
    if (!schedulers.some((scheduler) => scheduler.key === JOB_IDS.reconcileScheduler)) {
      await installScheduler(deps, everyMs);
      repairWanted = true;
    }
    if (repairWanted) {
      repairWanted = false;
      try {
        await reconcileNow(deps);
      } catch (error) {
        repairWanted = true;
        throw error;
      }
    }
  };
  const run = (): Promise<void> => {
    running ??= check()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'reconciler check failed; retrying next interval'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  await run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return {
    check: run,
    requestRepair() {
      repairWanted = true;
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
