import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { REDIS_URL } from '../../support/run.ts';
import { ANA, RITA, usePlayground } from './support.ts';

const playground = usePlayground();

it('Reset clears the demo (requests, messages, their timers in Redis, the old key) and seeds it again with a new key', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  const created = await fetch(`${pg.base}/api/v1/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pg.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      action: 'deploy',
      resource: 'prod-cache',
      reason: 'Flush',
      requester: { slackUserId: RITA },
    }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  await ana.locator('article.pg-msg').filter({ hasText: 'prod-cache' }).first().waitFor();
  // The pending request's deadline waits in Redis as a delayed job, beside the reconciler's schedule.
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const timers = new Queue('timers', { connection, prefix: pg.queuePrefix });
  try {
    expect(await timers.getJobState(`expire-${id}`)).toBe('delayed');

    ana.once('dialog', (dialog) => {
      dialog.accept().catch(() => {});
    });
    await ana.getByRole('button', { name: 'Reset demo' }).click();
    await ana.locator('#pg-messages').getByText('No requests yet.', { exact: false }).waitFor();
    await pg.shot(ana, 'reset');
    // The request is gone, and so is every job queued for it; the reconciler keeps its schedule.
    expect(await timers.getJobState(`expire-${id}`)).toBe('unknown');
    const left = await timers.getJobs(['delayed', 'waiting', 'prioritized']);
    expect(left.filter((job) => job.repeatJobKey === undefined).map((job) => job.id)).toEqual([]);
    expect((await timers.getJobSchedulers()).map((scheduler) => scheduler.key)).toEqual(['reconcile']);
  } finally {
    await timers.close();
    connection.disconnect();
  }
  const key = await ana.locator('#pg-key').inputValue();
  expect(key).toMatch(/^gl_/);
  expect(key).not.toBe(pg.apiKey);

  // The old key went with the data; the new one works, and the request is gone.
  const old = await fetch(`${pg.base}/api/v1/requests/${id}`, {
    headers: { authorization: `Bearer ${pg.apiKey}` },
  });
  expect(old.status).toBe(401);
  const again = await fetch(`${pg.base}/api/v1/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      action: 'db.drop_table',
      resource: 'prod-orders',
      reason: 'x',
      requester: { slackUserId: RITA },
    }),
  });
  expect(again.status).toBe(201);
  // The seeded two-approval rule is back.
  expect(((await again.json()) as { route: { rule: { name: string } } }).route.rule.name).toBe(
    'Production database changes need two approvals',
  );
}, 120_000);
