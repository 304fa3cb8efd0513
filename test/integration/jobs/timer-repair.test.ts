import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { expireRequest } from '../../../src/jobs/definitions/expire-request.ts';
import { JOB_IDS } from '../../../src/jobs/job-ids.ts';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { repairTimers } from '../../../src/jobs/timers.ts';
import { createViaApi, startLifecycleApp } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/**
 * A web-only instance runs no workers, so the test can play the worker: it takes the expiry job and
 * fails it for good, as a job does after its last attempt, and the reconciler's repair must still
 * re-create the timer the row owes.
 */
describe('timer repair', () => {
  const t = useTestApp(
    { ROLE: 'web', ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') },
    { start: startLifecycleApp },
  );

  it('re-creates a timer whose job failed for good while the row still owes it', async () => {
    const request = await createViaApi(t, { ttlSeconds: 120 });
    const queue = t.app.jobs.queue(QUEUES.timers);
    const jobId = JOB_IDS.expire(request.id);
    const job = await queue.getJob(jobId);
    expect(await job?.getState()).toBe('delayed');
    // The same job on its last attempt: due now, and not retried once it fails.
    await job?.remove();
    await queue.add(expireRequest.name, { requestId: request.id }, { jobId, attempts: 1 });

    const connection = new Redis(t.config.REDIS_URL as string, { maxRetriesPerRequest: null });
    const worker = new Worker(QUEUES.timers, null, { connection, prefix: queue.opts.prefix, autorun: false });
    try {
      const token = 'test-worker';
      let taken = await worker.getNextJob(token);
      while (taken !== undefined && taken.id !== jobId) taken = await worker.getNextJob(token);
      expect(taken?.id).toBe(jobId);
      await taken?.moveToFailed(new Error('Slack kept failing'), token, false);
      expect(await (await queue.getJob(jobId))?.getState()).toBe('failed');

      expect(await repairTimers(t.app.deps)).toBeGreaterThanOrEqual(1);
      const repaired = await queue.getJob(jobId);
      expect(await repaired?.getState()).toBe('delayed');
      expect((repaired?.timestamp ?? 0) + (repaired?.delay ?? 0)).toBeGreaterThan(Date.now() + 60_000);
    } finally {
      await worker.close();
      connection.disconnect();
    }
  });
});
