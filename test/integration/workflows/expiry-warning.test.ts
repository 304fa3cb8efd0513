import { describe, expect, it } from 'vitest';
import { warnExpiry } from '../../../src/jobs/definitions/warn-expiry.ts';
import { JOB_IDS } from '../../../src/jobs/job-ids.ts';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { getRequest } from '../../../src/services/requests/store/reads.ts';
import { createViaApi, dmsTo, eventually, REQUESTER, startLifecycleApp, waitForCard } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

describe('expiry warning', () => {
  // The app's clock: a test moves it 49 s on (past the 80 % mark of a 60 s request) and promotes the
  // warning's delayed job, as if 49 s had passed for the app and for Redis.
  let offsetMs = 0;
  const t = useTestApp({}, { start: startLifecycleApp, now: () => new Date(Date.now() + offsetMs) });
  const warnings = () => dmsTo(t, REQUESTER).filter((m) => m.includes('has not been decided yet'));

  it('DMs the requester once at 80 % of the time to decide, even with no rule workflow', async () => {
    offsetMs = 0;
    const request = await createViaApi(t, { ttlSeconds: 60 });
    await waitForCard(t, request.id);
    const timers = t.app.jobs.queue(QUEUES.timers);
    const job = await timers.getJob(JOB_IDS.warnExpiry(request.id));
    expect(await job?.getState()).toBe('delayed');
    offsetMs = 49_000;
    await job?.promote();
    const warning = await eventually(() => warnings()[0], 5000, 'warning DM');
    expect(warning).toContain('`db.drop_table` on `prod/customers`');
    expect(warning).toContain('the approval card');
    // Recorded just after the DM went out.
    const row = await eventually(
      async () => {
        const current = await getRequest(t.app.db, request.id);
        return current?.expiryWarnedAt ? current : undefined;
      },
      5000,
      'warning recorded',
    );
    expect(row.status).toBe('pending');

    // Repairs and a re-created warning job (as after a Redis flush) send nothing more.
    await (await timers.getJob(JOB_IDS.warnExpiry(request.id)))?.remove();
    expect((await reconcileNow(t.app.deps)).rescheduled).toBe(0);
    const again = await t.app.jobs.enqueue(
      warnExpiry,
      { requestId: request.id },
      { jobId: JOB_IDS.warnExpiry(request.id) },
    );
    await eventually(async () => (await again.getState()) === 'completed', 5000, 're-run finished');
    expect(warnings()).toHaveLength(1);
  });

  it('is not scheduled before its time, nor for a request with under a minute to decide', async () => {
    offsetMs = 0;
    const timers = t.app.jobs.queue(QUEUES.timers);
    const long = await createViaApi(t, { ttlSeconds: 600 });
    const job = await timers.getJob(JOB_IDS.warnExpiry(long.id));
    expect(await job?.getState()).toBe('delayed');
    // Due at 480 s of 600 (give or take the moment it was added).
    const dueAt = (job?.timestamp ?? 0) + (job?.delay ?? 0);
    expect(Math.abs(dueAt - (Date.parse(long.expiresAt) - 120_000))).toBeLessThan(1000);
    const short = await createViaApi(t, { ttlSeconds: 59 });
    await waitForCard(t, short.id);
    expect(await timers.getJob(JOB_IDS.warnExpiry(short.id))).toBeUndefined();
  });
});
