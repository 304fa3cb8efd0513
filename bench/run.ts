/**
 * `npm run bench`: runs the built service (`node dist/main.js`) as its own process against the real
 * PostgreSQL and Redis and a Slack test double in this process, then measures at the boundaries:
 *   1. webhook intake — latency at a fixed 100 requests/s (open loop), and peak throughput;
 *   2. click-to-ack — Approve clicks from 50 concurrent approvers, until Slack's HTTP response;
 *   3. webhook to card — from POST /api/v1/requests to chat.postMessage reaching Slack; and the
 *      automatic path — a request a rule approves at once, at 100 requests/s;
 *   4. expiry lag — 1,000 requests due in the same second, deadline to chat.update reaching Slack;
 *   5. under a flood — POST latency at 20 requests/s, alone and while 300 requests/s with a wrong
 *      key and a 9 KB path arrive from another address, and the audit rows that flood wrote.
 *   6. click burst — 20 cards × 15 simultaneous clicks: ack p50/p99, lost clicks, and webhook intake
 *      at 100 requests/s while the burst runs; the same load against a bare Bolt app on the same
 *      contract (bench/bare-app.ts: in memory, no database, no queue), with the ratios.
 *   7. callbacks — 100 requests with a callbackUrl approved at once: from the decision to the signed
 *      callback reaching a receiver in this process, p50/p99;
 *   8. grants — grants signed per second and verified offline per second, with a bare jose baseline
 *      (bench/grants.ts).
 *   9. MCP — request_approval answered by an auto-approve rule, round trip p50/p99 over one /mcp
 *      session, beside the same request through POST /api/v1/requests (bench/mcp.ts).
 *   10. mcp-proxy — an auto-approved tool call through `greenlight mcp-proxy` against the same call
 *      made directly: p50/p99 of each and what the proxy adds (bench/mcp-proxy.ts).
 * Prints a table and a JSON line. It is a script, not a test: it asserts nothing.
 *
 * `BENCH_ONLY=acks` measures only what Slack's three seconds depend on, in one process: the 50
 * approvers' clicks (2) and the click burst with intake (6), plus the service's event-loop delay and
 * PostgreSQL pool waits during the burst (from its /metrics). `BENCH_VARIANTS` compares settings in
 * the same run, alternating: `name:KEY=value,KEY=value;name2:…` (an empty list after the colon is the
 * defaults), each run `BENCH_ROUNDS` times (default 1); `BENCH_MAIN=path/main.js` in a variant runs
 * that build instead of dist/ (the code before a change), `BENCH_CPU_PROF=dir` profiles the service
 * (node --cpu-prof). See docs/benchmarks-acks.md.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, query } from '../test/support/database.ts';
import { REDIS_URL, SIGNING_SECRET, uniquePrefix } from '../test/support/harness.ts';
import { freePort, runService, waitForStatus } from '../test/support/process.ts';
import { keysUnder, removeKeys } from '../test/support/redis-keys.ts';
import { type SlackCall, SlackDouble } from '../test/support/slack-double.ts';
import { SlackSender } from '../test/support/slack-requests.ts';
import { measureGrants } from './grants.ts';
import { measureMcp } from './mcp.ts';
import { measureMcpProxy } from './mcp-proxy.ts';
import { type Summary, summary } from './summary.ts';

const CHANNEL = 'C0BENCH001';
const REQUESTER = 'U0BENCHREQ';
const APPROVERS = Array.from({ length: 50 }, (_, i) => `U0BAPPR${String(i).padStart(3, '0')}`);
const KEY = `bench-${randomBytes(16).toString('hex')}`;
/** An admin key, to write the rule that approves `sandbox/**` automatically (the automatic path). */
const ADMIN_KEY = `bench-admin-${randomBytes(16).toString('hex')}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends `rate` calls a second for `seconds`, each on schedule whatever the others do (open loop), and
 * answers those that succeeded. A call that fails (an overloaded machine: a connection not accepted
 * within undici's 10 s) is counted and said, not allowed to end the whole run.
 */
async function openLoop<T>(rate: number, seconds: number, send: () => Promise<T>): Promise<T[]> {
  const sent: Array<Promise<T>> = [];
  const t0 = performance.now();
  for (let i = 0; i < rate * seconds; i += 1) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    sent.push(send());
  }
  const settled = await Promise.allSettled(sent);
  const failed = settled.filter((result) => result.status === 'rejected');
  if (failed.length > 0) {
    const reason = (failed[0] as PromiseRejectedResult).reason as Error;
    console.log(
      `  ${failed.length} of ${sent.length} calls at ${rate}/s failed (first: ${reason.cause ?? reason.message})`,
    );
  }
  return settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
}

/** What the burst needs of a target: create a request, click on it, and count what it recorded. */
interface BurstTarget {
  base: string;
  sender: SlackSender;
  /** Creates one request; resolves with its id and the message ts of its card (any ts for the bare app). */
  create(): Promise<{ id: string; ts: string }>;
  /** How many clicks the target recorded (a vote, or an audited late/refused click) on these requests. */
  recorded(ids: string[]): Promise<number>;
}

const BURST_CARDS = 20;
const BURST_CLICKERS = 15;

/**
 * Webhook intake at 100 requests/s for `seconds`, open loop; with `burst`, 20 cards × 15 clicks are
 * fired at once half a second in. Returns the intake latencies, the click acks and the lost clicks.
 */
async function intakeWithBurst(target: BurstTarget, seconds: number, burst: boolean) {
  const cards = burst ? await Promise.all(Array.from({ length: BURST_CARDS }, () => target.create())) : [];
  await sleep(1000);
  const intake: Array<Promise<number>> = [];
  const acks: number[] = [];
  let unanswered = 0;
  let intakeFailed = 0;
  let clicks: Promise<unknown> = Promise.resolve();
  const t0 = performance.now();
  for (let i = 0; i < 100 * seconds; i += 1) {
    const wait = t0 + i * 10 - performance.now();
    if (wait > 0) await sleep(wait);
    if (burst && i === 50) {
      clicks = Promise.all(
        cards.flatMap((card) =>
          APPROVERS.slice(0, BURST_CLICKERS).map(async (user) => {
            const started = performance.now();
            try {
              const res = await target.sender.blockAction({
                user_id: user,
                action_id: 'approve_request',
                value: card.id,
                channel_id: CHANNEL,
                message_ts: card.ts,
              });
              await res.arrayBuffer();
              acks.push(performance.now() - started);
            } catch {
              // The connection broke before an answer: Slack would show the approver an error.
              unanswered += 1;
            }
          }),
        ),
      );
    }
    intake.push(
      (async () => {
        const started = performance.now();
        try {
          await target.create();
        } catch {
          // Not even connected in time (the service's accept queue full): counted, not measured.
          intakeFailed += 1;
          return Number.NaN;
        }
        return performance.now() - started;
      })(),
    );
  }
  const intakeMs = (await Promise.all(intake)).filter((ms) => !Number.isNaN(ms));
  await clicks;
  let lost = 0;
  if (burst) {
    // Give the clicks' work time to land, then count what is missing.
    const ids = cards.map((c) => c.id);
    const sent = BURST_CARDS * BURST_CLICKERS;
    for (let i = 0; i < 100 && (await target.recorded(ids)) < sent; i += 1) await sleep(200);
    lost = sent - (await target.recorded(ids));
  }
  return { intake: summary(intakeMs), intakeFailed, acks: summary(acks), unanswered, lost };
}

/** The bare Bolt app of bench/bare-app.ts under the same webhook and burst load. */
async function measureBare(): Promise<{ webhook: Summary; burst: Awaited<ReturnType<typeof intakeWithBurst>> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./bare-app.ts', import.meta.url))], {
    env: { ...process.env, PORT: String(port), SIGNING_SECRET, API_KEY: KEY },
    stdio: 'inherit',
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForStatus(`${base}/readyz`, 200, 30_000);
    const target: BurstTarget = {
      base,
      sender: new SlackSender(base, SIGNING_SECRET),
      async create() {
        const res = await fetch(`${base}/api/v1/requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'db.drop_table', resource: 'prod/customers', reason: 'benchmark' }),
        });
        const json = (await res.json()) as { id: string };
        return { id: json.id, ts: '1.000001' };
      },
      async recorded() {
        return ((await (await fetch(`${base}/stats`)).json()) as { clicks: number }).clicks;
      },
    };
    for (let i = 0; i < 50; i += 1) await target.create(); // warm-up
    const webhook = (await intakeWithBurst(target, 10, false)).intake;
    const burst = await intakeWithBurst(target, 5, true);
    return { webhook, burst };
  } finally {
    child.kill('SIGTERM');
  }
}

type Mode = 'one process (ROLE=all)' | 'web + worker processes';

/**
 * A callback receiver on loopback: answers 204 at once and records, per request, how long after the
 * change (the body's `timestamp`: when the decision was made) its callback arrived.
 */
async function startReceiver() {
  const latency = new Map<string, number>();
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const arrived = Date.now();
      res.writeHead(204).end();
      const event = JSON.parse(raw) as { timestamp: string; data: { id: string } };
      if (!latency.has(event.data.id)) latency.set(event.data.id, arrived - Date.parse(event.timestamp));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    latency,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The service's event-loop delay (prom-client resets it at each scrape) and pool waits, from /metrics. */
async function scrapeService(base: string): Promise<{
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  poolWaits: Record<string, { count: number; sumMs: number }>;
}> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) * 1000;
  const poolWaits: Record<string, { count: number; sumMs: number }> = {};
  for (const match of text.matchAll(/^greenlight_db_pool_wait_seconds_(count|sum)\{pool="(\w+)"\} (\S+)$/gm)) {
    const [, kind, pool, n] = match as unknown as [string, string, string, string];
    poolWaits[pool] ??= { count: 0, sumMs: 0 };
    if (kind === 'count') poolWaits[pool].count = Number(n);
    else poolWaits[pool].sumMs = Math.round(Number(n) * 1000);
  }
  return {
    eventLoopP99Ms: value('nodejs_eventloop_lag_p99_seconds'),
    eventLoopMaxMs: value('nodejs_eventloop_lag_max_seconds'),
    poolWaits,
  };
}

/** `BENCH_ONLY=acks`: only the ack measurements (see the top of this file). */
const ACKS_ONLY = process.env.BENCH_ONLY === 'acks';

async function measure(
  mode: Mode,
  variant: Record<string, string> = {},
): Promise<Record<string, unknown> & { burst?: unknown }> {
  // BENCH_MAIN in a variant runs another build's main.js (the code before a change, copied aside)
  // in its place: node runs the first script named and ignores the harness's dist/main.js after it.
  // BENCH_CPU_PROF=dir in a variant profiles the service (node --cpu-prof), written there when it exits.
  const { BENCH_MAIN: benchMain, BENCH_CPU_PROF: cpuProf, ...settings } = variant;
  const nodeArgs = [
    ...(cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`]),
    ...(benchMain === undefined ? [] : [benchMain]),
  ];
  const slack = await SlackDouble.start();
  slack.addChannel(CHANNEL);
  slack.addUser({ id: REQUESTER, name: 'requester' });
  for (const id of APPROVERS) slack.addUser({ id, name: id.toLowerCase() });
  const database = await createTestDatabase();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '20',
    REDIS_URL,
    QUEUE_PREFIX: uniquePrefix(),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    APPROVAL_CHANNEL: CHANNEL,
    APPROVERS: APPROVERS.join(','),
    MIN_TTL_SECONDS: '1',
    SERVICE_API_KEYS: `bench:${KEY},benchadmin:${ADMIN_KEY}:admin`,
    // The bench measures capacity from one key; the limit on failed authentications stays on.
    RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
    // The flood below names its own address in X-Forwarded-For; the bench's client is on loopback.
    TRUST_PROXY: 'loopback',
    // Callbacks go to a receiver in this process, on loopback.
    CALLBACK_SIGNING_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
    // The web and worker processes must share it.
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...settings,
  };
  const services =
    mode === 'web + worker processes'
      ? [
          await runService({ ...env, ROLE: 'web' }),
          await runService({ ...env, ROLE: 'worker', PORT: String(await freePort()) }),
        ]
      : [await runService({ ...env, ROLE: 'all' }, nodeArgs)];
  const sender = new SlackSender(base, SIGNING_SECRET);

  // Which card belongs to which request, and when Slack saw each card call.
  const posted = new Map<string, number>();
  const cardTs = new Map<string, string>();
  const expiredAt = new Map<string, number>();
  slack.onCall = (call: SlackCall) => {
    const text = JSON.stringify(call.args.blocks ?? '');
    const id = /ID `([0-9a-f-]{36})`/.exec(text)?.[1];
    if (id === undefined || !call.response.ok) return;
    if (call.method === 'chat.postMessage' && call.args.channel === CHANNEL) {
      posted.set(id, call.at);
      cardTs.set(id, String(call.response.ts));
    }
    if (call.method === 'chat.update' && text.includes('Expired')) expiredAt.set(id, call.at);
  };

  const receiver = await startReceiver();
  const body = (ttlSeconds: number, callbackUrl?: string, resource = 'prod/customers') =>
    JSON.stringify({
      ...(callbackUrl === undefined ? {} : { callbackUrl }),
      action: 'db.drop_table',
      resource,
      reason: 'benchmark',
      requester: { slackUserId: REQUESTER },
      risk: 'high',
      context: { ticket: 'OPS-1', rows: 1200000 },
      ttlSeconds,
    });
  const create = async (ttlSeconds = 3600, callbackUrl?: string, resource?: string) => {
    const started = performance.now();
    const res = await fetch(`${base}/api/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: body(ttlSeconds, callbackUrl, resource),
    });
    const json = (await res.json()) as { id: string; status?: string };
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(json)}`);
    if (resource !== undefined && json.status !== 'approved')
      throw new Error(`not approved automatically: ${json.status}`);
    return { id: json.id, ms: performance.now() - started, sentAt: Date.now() - (performance.now() - started) };
  };

  try {
    await waitForStatus(`${base}/readyz`, 200, 30_000);
    for (let i = 0; i < 50; i += 1) await create(); // warm-up

    const ackDistinct: number[] = [];
    const ackSame: number[] = [];
    const clickAs = async (user: string, id: string, into: number[]) => {
      const started = performance.now();
      const res = await sender.blockAction({
        user_id: user,
        action_id: 'approve_request',
        value: id,
        channel_id: CHANNEL,
        message_ts: cardTs.get(id) ?? '1.000001',
      });
      await res.arrayBuffer();
      into.push(performance.now() - started);
    };
    // 2. Click-to-ack: 50 approvers click at once, 6 rounds on distinct requests, 2 on one request.
    const clickRounds = async (targets: string[]) => {
      for (let round = 0; round < 6; round += 1) {
        await Promise.all(APPROVERS.map((user, i) => clickAs(user, targets[round * 50 + i] as string, ackDistinct)));
        await sleep(300);
      }
      for (let round = 0; round < 2; round += 1) {
        const { id } = await create();
        await Promise.all(APPROVERS.map((user) => clickAs(user, id, ackSame)));
        await sleep(300);
      }
    };
    // 6. Click burst with webhook intake running (one-process layout only: that is what the bare app is).
    const burstTarget: BurstTarget = {
      base,
      sender,
      async create() {
        const { id } = await create();
        while (!cardTs.has(id)) await sleep(20);
        return { id, ts: cardTs.get(id) as string };
      },
      async recorded(ids) {
        let count = 0;
        for (const id of ids) {
          const res = await fetch(`${base}/api/v1/requests/${id}`, { headers: { authorization: `Bearer ${KEY}` } });
          const json = (await res.json()) as { audit: Array<{ type: string }> };
          count += json.audit.filter((e) => /^(vote\.recorded|decision\.(late|refused))$/.test(e.type)).length;
        }
        return count;
      },
    };

    if (ACKS_ONLY) {
      const made = await openLoop(100, 3, () => create());
      while (made.some((r) => !cardTs.has(r.id))) await sleep(50);
      await clickRounds(made.map((r) => r.id));
      await sleep(2000);
      await scrapeService(base); // resets the event-loop histogram: what follows is the burst's
      const burst = await intakeWithBurst(burstTarget, 5, true);
      const service = await scrapeService(base);
      return {
        mode,
        variant,
        burst,
        clickToAck50Distinct: { ...summary(ackDistinct), unit: 'ms' },
        clickToAck50SameRequest: { ...summary(ackSame), unit: 'ms' },
        serviceDuringBurst: service,
      };
    }

    // 1a. Fixed rate: 100 requests/s for 10 s.
    const fixedResults = await openLoop(100, 10, () => create());
    const intake = summary(fixedResults.map((r) => r.ms));

    // 3. Webhook to card posted, for those same requests.
    await sleep(3000);
    const toCard = summary(
      fixedResults.filter((r) => posted.has(r.id)).map((r) => (posted.get(r.id) as number) - r.sentAt),
    );

    // 1b. Peak: 32 clients back to back for 5 s.
    let done = 0;
    const peakStart = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (performance.now() - peakStart < 5000) {
          await create();
          done += 1;
        }
      }),
    );
    const peak = Math.round(done / ((performance.now() - peakStart) / 1000));

    // 1c. The automatic path: a rule approves sandbox/** at once; 100 requests/s for 5 s.
    const rule = await fetch(`${base}/api/v1/rules`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench sandbox', match: { resources: 'sandbox/**' }, outcome: 'auto_approve' }),
    });
    if (rule.status !== 201) throw new Error(`rule not created: ${rule.status} ${await rule.text()}`);
    for (let i = 0; i < 20; i += 1) await create(3600, undefined, 'sandbox/bench'); // warm-up
    const automatic = summary(
      (await openLoop(100, 5, () => create(3600, undefined, 'sandbox/bench'))).map((r) => r.ms),
    );

    // 5. Legitimate POSTs at 20/s for 4 s, alone, then while a wrong-key flood runs at 300/s.
    const floodFrom = '203.0.113.66';
    const floodStatuses: Record<number, number> = {};
    const flood = async () => {
      const res = await fetch(`${base}/api/v1/requests/${'a'.repeat(9000)}`, {
        headers: { authorization: `Bearer wrong-${KEY}`, 'x-forwarded-for': floodFrom },
      });
      await res.arrayBuffer();
      floodStatuses[res.status] = (floodStatuses[res.status] ?? 0) + 1;
    };
    const calm = summary((await openLoop(20, 4, () => create())).map((r) => r.ms));
    const [flooded] = await Promise.all([openLoop(20, 4, () => create()), openLoop(300, 4, flood)]);
    const underFlood = summary(flooded.map((r) => r.ms));
    const floodRows = await query<{ n: string }>(
      database.url,
      "SELECT count(*) AS n FROM audit_events WHERE type = 'auth.refused' AND details->>'ip' = $1",
      [floodFrom],
    );

    await clickRounds(fixedResults.slice(0, 300).map((r) => r.id));

    // 7. Callback latency: 100 requests with a callbackUrl decided at once, decision → receiver.
    const decided = await Promise.all(Array.from({ length: 100 }, () => create(3600, `${receiver.url}/hook`)));
    while (decided.some((r) => !cardTs.has(r.id))) await sleep(50);
    await Promise.all(decided.map((r, i) => clickAs(APPROVERS[i % APPROVERS.length] as string, r.id, [])));
    const callbackUntil = Date.now() + 30_000;
    while (Date.now() < callbackUntil && decided.some((r) => !receiver.latency.has(r.id))) await sleep(100);
    const callbackLatency = summary(decided.flatMap((r) => receiver.latency.get(r.id) ?? []));

    // 4. Expiry lag: 1,000 requests whose deadlines fall in the same second.
    await sleep(2000);
    const deadline = Math.ceil((Date.now() + 25_000) / 1000) * 1000;
    const due: Array<{ id: string; expiresAt: number }> = [];
    const queue = Array.from({ length: 1000 }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (queue.shift() !== undefined) {
          const ttl = Math.round((deadline - Date.now()) / 1000);
          const res = await fetch(`${base}/api/v1/requests`, {
            method: 'POST',
            headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
            body: body(ttl),
          });
          const json = (await res.json()) as { id: string; expiresAt: string };
          due.push({ id: json.id, expiresAt: new Date(json.expiresAt).getTime() });
        }
      }),
    );
    const window = Math.max(...due.map((d) => d.expiresAt)) - Math.min(...due.map((d) => d.expiresAt));
    const until = Math.max(...due.map((d) => d.expiresAt)) + 30_000;
    while (Date.now() < until && due.some((d) => !expiredAt.has(d.id))) await sleep(200);
    const lag = summary(
      due.filter((d) => expiredAt.has(d.id)).map((d) => (expiredAt.get(d.id) as number) - d.expiresAt),
    );

    // 6. Click burst with webhook intake running (one-process layout only: that is what the bare app is).
    let burst: Awaited<ReturnType<typeof intakeWithBurst>> | undefined;
    if (mode === 'one process (ROLE=all)') {
      await sleep(2000);
      burst = await intakeWithBurst(burstTarget, 5, true);
    }

    const results = {
      mode,
      ...(burst === undefined ? {} : { burst }),
      webhookAt100rps: { ...intake, unit: 'ms' },
      webhookPeak: { requestsPerSecond: peak, clients: 32 },
      webhookToCard: { ...toCard, unit: 'ms' },
      autoApprovedAt100rps: { ...automatic, unit: 'ms' },
      clickToAck50Distinct: { ...summary(ackDistinct), unit: 'ms' },
      clickToAck50SameRequest: { ...summary(ackSame), unit: 'ms' },
      expiryLag1000: { ...lag, deadlineWindowMs: window, unit: 'ms', updated: expiredAt.size },
      webhookAt20rpsAlone: { ...calm, unit: 'ms' },
      webhookAt20rpsUnderFlood: { ...underFlood, unit: 'ms', flood: { rate: 300, statuses: floodStatuses } },
      floodAuditRows: Number(floodRows[0]?.n),
      callbackLatency100: { ...callbackLatency, unit: 'ms' },
    };
    const line = (name: string, s: { n: number; p50: number; p99: number; max: number }) =>
      `${name.padEnd(44)} n=${String(s.n).padStart(5)}  p50=${String(s.p50).padStart(7)} ms  p99=${String(s.p99).padStart(7)} ms  max=${String(s.max).padStart(7)} ms`;
    console.log(`\n${mode}`);
    console.log(line('webhook intake at 100 req/s (10 s)', intake));
    console.log(`${'webhook intake peak (32 clients, 5 s)'.padEnd(44)} ${peak} req/s`);
    console.log(line('webhook → card posted (at 100 req/s)', toCard));
    console.log(line('automatically approved at 100 req/s (5 s)', automatic));
    console.log(line('click → ack, 50 approvers, distinct requests', results.clickToAck50Distinct));
    console.log(line('click → ack, 50 approvers, same request', results.clickToAck50SameRequest));
    console.log(line(`expiry lag, 1000 due within ${window} ms`, lag));
    console.log(line('webhook intake at 20 req/s, no flood (4 s)', calm));
    console.log(line('… while 300 req/s of wrong keys arrive', underFlood));
    console.log(line('callback: decision → receiver, 100 at once', callbackLatency));
    console.log(
      `${'that flood: answers, audit rows'.padEnd(44)} ${JSON.stringify(floodStatuses)}, ${results.floodAuditRows} auth.refused row(s)`,
    );
    if (burst !== undefined) {
      console.log(line(`click burst ${BURST_CARDS}×${BURST_CLICKERS}: click → ack`, burst.acks));
      console.log(`${'click burst: lost clicks'.padEnd(44)} ${burst.lost} of ${BURST_CARDS * BURST_CLICKERS}`);
      console.log(line('webhook intake at 100 req/s during the burst', burst.intake));
    }
    return results;
  } catch (error) {
    // The service's own words say why a measurement broke off.
    for (const service of services) console.error(service.output().slice(-4000));
    throw error;
  } finally {
    for (const service of services) service.child.kill('SIGTERM');
    await Promise.all(services.map((service) => service.exited));
    await slack.close();
    await receiver.close();
    await database.drop();
    // Queues, schedulers and rate-limit counters of this run: the shared Redis keeps nothing of ours.
    await removeKeys(keysUnder(env.QUEUE_PREFIX));
  }
}

/** `BENCH_VARIANTS` parsed: `name:KEY=value,KEY=value;…` (see the top of this file). */
function variants(spec: string): Array<{ name: string; env: Record<string, string> }> {
  return spec
    .split(';')
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const [name, settings = ''] = part.split(':') as [string, string?];
      const env = Object.fromEntries(
        settings
          .split(',')
          .filter((pair) => pair.includes('='))
          .map((pair) => pair.split('=', 2) as [string, string]),
      );
      return { name: name.trim(), env };
    });
}

/** `BENCH_ONLY=acks`: the ack figures of each variant, alternating, `BENCH_ROUNDS` times. */
async function measureAcks(): Promise<void> {
  const list = variants(process.env.BENCH_VARIANTS ?? 'defaults:');
  const rounds = Number(process.env.BENCH_ROUNDS ?? '1');
  const rows: unknown[] = [];
  const line = (name: string, s: { n: number; p50: number; p99: number; max: number }) =>
    `  ${name.padEnd(42)} n=${String(s.n).padStart(4)}  p50=${String(s.p50).padStart(7)} ms  p99=${String(s.p99).padStart(7)} ms  max=${String(s.max).padStart(7)} ms`;
  for (let round = 0; round < rounds; round += 1) {
    for (const { name, env } of list) {
      const result = (await measure('one process (ROLE=all)', env)) as {
        burst: Awaited<ReturnType<typeof intakeWithBurst>>;
        clickToAck50Distinct: Summary;
        clickToAck50SameRequest: Summary;
        serviceDuringBurst: Awaited<ReturnType<typeof scrapeService>>;
      };
      console.log(`\nround ${round + 1}, ${name} ${JSON.stringify(env)}`);
      console.log(line('click → ack, 50 approvers, distinct requests', result.clickToAck50Distinct));
      console.log(line('click → ack, 50 approvers, same request', result.clickToAck50SameRequest));
      console.log(line(`click burst ${BURST_CARDS}×${BURST_CLICKERS}: click → ack`, result.burst.acks));
      console.log(line('webhook intake at 100 req/s during the burst', result.burst.intake));
      console.log(`  ${'intake requests that failed'.padEnd(42)} ${result.burst.intakeFailed}`);
      console.log(
        `  ${'click burst: unanswered, lost clicks'.padEnd(42)} ${result.burst.unanswered}, ${result.burst.lost} of ${BURST_CARDS * BURST_CLICKERS}`,
      );
      const service = result.serviceDuringBurst;
      console.log(
        `  ${'during the burst: event-loop delay'.padEnd(42)} p99=${service.eventLoopP99Ms.toFixed(1)} ms  max=${service.eventLoopMaxMs.toFixed(1)} ms`,
      );
      console.log(`  ${'pool waits since start (count, total)'.padEnd(42)} ${JSON.stringify(service.poolWaits)}`);
      rows.push({ round: round + 1, variant: name, ...result });
    }
  }
  console.log(`\n${JSON.stringify(rows)}`);
}

async function main(): Promise<void> {
  const machine = `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(
    `Greenlight benchmark — ${machine}; PostgreSQL, Redis, the Slack double and this client share the machine.`,
  );
  if (ACKS_ONLY) return measureAcks();
  const single = await measure('one process (ROLE=all)');
  const split = await measure('web + worker processes');
  const bare = await measureBare();
  const ours = single as unknown as {
    webhookAt100rps: Summary;
    burst: Awaited<ReturnType<typeof intakeWithBurst>>;
  };
  const ratio = (a: number, b: number) => Math.round((a / b) * 10) / 10;
  const ratios = {
    webhookP99: ratio(ours.webhookAt100rps.p99, bare.webhook.p99),
    webhookP99DuringBurst: ratio(ours.burst.intake.p99, bare.burst.intake.p99),
    clickAckP99: ratio(ours.burst.acks.p99, bare.burst.acks.p99),
  };
  const line = (name: string, s: Summary) =>
    `${name.padEnd(44)} n=${String(s.n).padStart(5)}  p50=${String(s.p50).padStart(7)} ms  p99=${String(s.p99).padStart(7)} ms`;
  console.log('\nbare Bolt app, same contract, in memory (bench/bare-app.ts)');
  console.log(line('webhook intake at 100 req/s (10 s)', bare.webhook));
  console.log(line(`click burst ${BURST_CARDS}×${BURST_CLICKERS}: click → ack`, bare.burst.acks));
  console.log(line('webhook intake at 100 req/s during the burst', bare.burst.intake));
  console.log(
    `\nGreenlight ÷ bare (one process): webhook p99 ×${ratios.webhookP99}, during the burst ×${ratios.webhookP99DuringBurst}, click-ack p99 ×${ratios.clickAckP99}`,
  );
  // Issue 17's intake targets, each beside its figure (one process unless said), with the bare app's.
  const intake = single as unknown as {
    webhookAt100rps: Summary;
    webhookPeak: { requestsPerSecond: number };
    webhookToCard: Summary;
    autoApprovedAt100rps: Summary;
  };
  const splitPeak = (split as unknown as { webhookPeak: { requestsPerSecond: number } }).webhookPeak.requestsPerSecond;
  const target = (name: string, figure: string, goal: string) =>
    `${name.padEnd(44)} ${figure.padEnd(34)} target ${goal}`;
  console.log('\nissue 17 intake targets (same run)');
  console.log(
    target(
      'webhook at 100 req/s: p50 / p99',
      `${intake.webhookAt100rps.p50} / ${intake.webhookAt100rps.p99} ms (bare ${bare.webhook.p50} / ${bare.webhook.p99})`,
      `p50 < 10, p99 < 25 and ≤ ×3 bare (×${ratios.webhookP99})`,
    ),
  );
  console.log(
    target(
      'peak intake: one process / web + worker',
      `${intake.webhookPeak.requestsPerSecond} / ${splitPeak} req/s`,
      '≥ 500 / ≥ 600',
    ),
  );
  console.log(
    target(
      'webhook → card at 100 req/s: p50 / p99',
      `${intake.webhookToCard.p50} / ${intake.webhookToCard.p99} ms`,
      'p50 < 50, p99 < 250',
    ),
  );
  console.log(target('automatically approved at 100 req/s: p99', `${intake.autoApprovedAt100rps.p99} ms`, 'p99 < 10'));
  const grants = await measureGrants();
  console.log('\ngrants (in process, one key, 5,000 each)');
  console.log(`${'grants signed by the service'.padEnd(44)} ${grants.issuePerSecond}/s`);
  console.log(`${'grants verified offline (jose, JWKS)'.padEnd(44)} ${grants.verifyPerSecond}/s`);
  console.log(
    `${'bare jose: sign / verify, raw Ed25519 key'.padEnd(44)} ${grants.bareSignPerSecond}/s / ${grants.bareVerifyPerSecond}/s`,
  );
  const mcp = await measureMcp();
  console.log('\nMCP: request_approval a rule approves at once (one session, back to back)');
  console.log(line('request_approval over /mcp', mcp.mcpAutoApproved));
  console.log(line('the same request, POST /api/v1/requests', mcp.restAutoApproved));
  const mcpProxy = await measureMcpProxy();
  console.log(`\nmcp-proxy: read_text_file of server-filesystem, auto-approved (${mcpProxy.calls} calls, sequential)`);
  console.log(`${'direct: p50 / p99'.padEnd(44)} ${mcpProxy.direct.p50} / ${mcpProxy.direct.p99} ms`);
  console.log(`${'through the proxy: p50 / p99'.padEnd(44)} ${mcpProxy.proxied.p50} / ${mcpProxy.proxied.p99} ms`);
  console.log(`${'added by the proxy: p50 / p99'.padEnd(44)} ${mcpProxy.added.p50} / ${mcpProxy.added.p99} ms`);
  const { twoCalls, oneCall } = mcpProxy.automaticPath;
  console.log(`${'automatic path, create + execute: p50 / p99'.padEnd(44)} ${twoCalls.p50} / ${twoCalls.p99} ms`);
  console.log(`${'automatic path, executeOnApproval: p50 / p99'.padEnd(44)} ${oneCall.p50} / ${oneCall.p99} ms`);
  console.log(`\n${JSON.stringify({ machine, results: [single, split], bare, ratios, grants, mcp, mcpProxy })}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
