/**
 * `npx tsx bench/profile-intake.ts [dir]`: runs the built service under `node --cpu-prof` and sends
 * 1,000 webhook creates at 100/s, then stops it; the CPU profile lands in `dir` (default a temp dir)
 * and the hottest functions by self time are printed. For finding what to optimise, not a benchmark.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../test/support/database.ts';
import { REDIS_URL, SIGNING_SECRET, uniquePrefix } from '../test/support/harness.ts';
import { freePort, runService, waitForStatus } from '../test/support/process.ts';
import { keysUnder, removeKeys } from '../test/support/redis-keys.ts';
import { SlackDouble } from '../test/support/slack-double.ts';

const dir = process.argv[2] ?? mkdtempSync(path.join(tmpdir(), 'greenlight-prof-'));
const KEY = `prof-${randomBytes(16).toString('hex')}`;
const slack = await SlackDouble.start();
slack.addChannel('C0PROF0001');
slack.addUser({ id: 'U0PROFREQ1', name: 'req' });
slack.addUser({ id: 'U0PROFAPR1', name: 'apr' });
const database = await createTestDatabase();
const port = await freePort();
const prefix = uniquePrefix();
const service = await runService(
  {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    APPROVAL_CHANNEL: 'C0PROF0001',
    APPROVERS: 'U0PROFAPR1',
    SERVICE_API_KEYS: `prof:${KEY}`,
    RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  },
  ['--cpu-prof', `--cpu-prof-dir=${dir}`],
);
try {
  await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 30_000);
  const body = JSON.stringify({
    action: 'db.drop_table',
    resource: 'prod/customers',
    reason: 'profile',
    requester: { slackUserId: 'U0PROFREQ1' },
    context: { ticket: 'OPS-1' },
  });
  const times: number[] = [];
  const sends: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < 1000; i += 1) {
    const due = started + i * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sends.push(
      (async () => {
        const t0 = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        times.push(performance.now() - t0);
      })(),
    );
  }
  await Promise.all(sends);
  times.sort((a, b) => a - b);
  console.log(`p50 ${times[500]?.toFixed(1)} ms, p99 ${times[990]?.toFixed(1)} ms`);
  const output = service.output();
  console.log(`service wrote ${output.length} characters of logs; last: ${output.slice(-300)}`);
} finally {
  service.child.kill('SIGTERM');
  await service.exited;
  await slack.close();
  await database.drop();
  await removeKeys(keysUnder(prefix));
}
const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
if (file !== undefined) {
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
    samples: number[];
  };
  const counts = new Map<number, number>();
  for (const sample of profile.samples) counts.set(sample, (counts.get(sample) ?? 0) + 1);
  const byFrame = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + (counts.get(node.id) ?? 0));
  }
  const total = profile.samples.length;
  console.log(`profile ${path.join(dir, file)}: ${total} samples; hottest by self time:`);
  for (const [key, n] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${((n / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
}
