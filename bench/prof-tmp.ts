import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '../test/support/database.ts';
import { REDIS_URL, SIGNING_SECRET, uniquePrefix } from '../test/support/harness.ts';
import { freePort, runService, waitForStatus } from '../test/support/process.ts';
import { SlackDouble } from '../test/support/slack-double.ts';

const slack = await SlackDouble.start();
slack.addChannel('C0BENCH001');
slack.addUser({ id: 'U0BENCHREQ', name: 'r' });
slack.addUser({ id: 'U0APPR0001', name: 'a' });
const database = await createTestDatabase();
const port = await freePort();
const KEY = `bench-${randomBytes(16).toString('hex')}`;
const svc = await runService(
  {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: uniquePrefix(),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    APPROVAL_CHANNEL: 'C0BENCH001',
    APPROVERS: 'U0APPR0001',
    SERVICE_API_KEYS: `bench:${KEY}`,
  },
  process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : [],
);
await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 30000).catch((e) => {
  console.log(svc.output());
  throw e;
});
const body = JSON.stringify({
  action: 'db.drop_table',
  resource: 'prod/customers',
  reason: 'b',
  requester: { slackUserId: 'U0BENCHREQ' },
  context: { a: 1 },
});
const times: number[] = [];
for (let i = 0; i < 400; i++) {
  const t = performance.now();
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body,
  });
  await r.text();
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log('sequential p50', times[200], 'p90', times[360], 'p99', times[396]);
await new Promise((r) => setTimeout(r, 2000));
svc.child.kill('SIGTERM');
await svc.exited;
console.log(svc.output().split('\n').length, svc.output().slice(0, 1500));
await slack.close();
await database.drop();
