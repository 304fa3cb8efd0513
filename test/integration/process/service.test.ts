import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../../src/platform/migrate.ts';
import { createTestDatabase, query, type TestDatabase } from '../../support/database.ts';
import { SIGNING_SECRET } from '../../support/harness.ts';
import { eventually } from '../../support/lifecycle.ts';
import { freePort, type RunningService, runService, waitForPort, waitForStatus } from '../../support/process.ts';
import { keysUnder, removeKeys } from '../../support/redis-keys.ts';
import { REDIS_URL, uniquePrefix } from '../../support/run.ts';
import { SlackDouble } from '../../support/slack-double.ts';
import { SlackSender } from '../../support/slack-requests.ts';

/** These run the built service as users do (`npm start` runs `node dist/main.js`). */
describe('the service process', () => {
  let slack: SlackDouble;
  const running: RunningService[] = [];
  const databases: TestDatabase[] = [];
  /** Queue prefixes the services used on the shared Redis; removed once the services are gone. */
  const prefixes: string[] = [];

  beforeAll(async () => {
    slack = await SlackDouble.start();
    slack.addUser({ id: 'U0MEMBER01', name: 'max' });
  });
  afterEach(async () => {
    for (const service of running.splice(0)) {
      if (service.child.exitCode === null && service.child.signalCode === null) {
        service.child.kill('SIGKILL');
        await service.exited;
      }
    }
    for (const database of databases.splice(0)) await database.drop();
    for (const prefix of prefixes.splice(0)) await removeKeys(keysUnder(prefix), REDIS_URL);
  });
  afterAll(async () => {
    await slack.close();
  });

  async function start(env: Record<string, string>): Promise<RunningService> {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const service = await runService({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      ...env,
    });
    running.push(service);
    return service;
  }

  it('exits non-zero naming every bad setting (missing signing secret and malformed REDIS_URL together)', async () => {
    const service = await runService({ SLACK_BOT_TOKEN: 'xoxb-1', REDIS_URL: 'http//nope', PORT: '-1' });
    running.push(service);
    const { code } = await service.exited;
    expect(code).not.toBe(0);
    const output = service.output();
    expect(output).toContain('SLACK_SIGNING_SECRET is required');
    expect(output).toMatch(/REDIS_URL must be a URL like redis:\/\//);
    expect(output).toMatch(/PORT /);
    expect(output).not.toContain('xoxb-1');
  });

  it('boots on an empty database: migrates, calls auth.test, answers /healthz and /readyz, and exits 0 on SIGTERM', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const port = await freePort();
    const authCallsBefore = slack.callsOf('auth.test').length;
    const startedAt = Date.now();
    const service = await start({ DATABASE_URL: database.url, PORT: String(port) });

    await waitForStatus(`http://127.0.0.1:${port}/healthz`, 200, 15_000);
    const ready = await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 15_000);
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'up', redis: 'up' } });
    expect(slack.callsOf('auth.test').length).toBeGreaterThan(authCallsBefore);
    const migrations = await query(database.url, 'SELECT 1 FROM "_prisma_migrations" WHERE finished_at IS NOT NULL');
    expect(migrations.length).toBeGreaterThan(0);

    // Logs are JSON lines and never carry secrets.
    const lines = service.output().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(service.output()).not.toContain(SIGNING_SECRET);
    expect(service.output()).not.toContain(slack.botToken);

    // A forged Slack request is refused with 401.
    const sender = new SlackSender(`http://127.0.0.1:${port}`, 'not-the-signing-secret');
    const forged = await sender.event({ type: 'app_home_opened', user: 'U0MEMBER01', tab: 'home' });
    expect(forged.status).toBe(401);

    const stopAt = Date.now();
    service.child.kill('SIGTERM');
    const { code } = await service.exited;
    expect(code).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
    expect(service.output()).toContain('shutdown complete');
  });

  it('finishes an in-flight request before exiting on SIGTERM', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const port = await freePort();
    const service = await start({ DATABASE_URL: database.url, PORT: String(port) });
    await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200);
    // Slow Slack: the app_home_opened handler is still waiting on views.publish when SIGTERM arrives.
    slack.delayNext('views.publish', 1500);
    const sender = new SlackSender(`http://127.0.0.1:${port}`, SIGNING_SECRET);
    const publishesBefore = slack.callsOf('views.publish').length;
    const res = await sender.event({ type: 'app_home_opened', user: 'U0MEMBER01', tab: 'home' });
    expect(res.status).toBe(200);
    service.child.kill('SIGTERM');
    const { code } = await service.exited;
    expect(code).toBe(0);
    expect(slack.callsOf('views.publish').length).toBe(publishesBefore + 1);
  });

  it('boots on the embedded database when DATABASE_URL is unset, and keeps its data across a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'greenlight-data-'));
    const first = await start({ DATA_DIR: dataDir, PORT: String(await freePort()) });
    await first.waitForLog(/greenlight listening/, 30_000);
    expect(first.output()).toMatch(/embedded PostgreSQL \(PGlite\).*single-instance trials/);
    const total = (await readMigrations()).length;
    // A new DATA_DIR is unpacked from the build's template, its migrations already applied.
    expect(first.output()).toMatch(/"origin":"template"/);
    expect(first.output()).toContain(`"applied":0,"alreadyApplied":${total}`);
    first.child.kill('SIGTERM');
    const firstExit = await first.exited;
    expect(firstExit, first.output()).toEqual({ code: 0, signal: null });

    const port = await freePort();
    const second = await start({ DATA_DIR: dataDir, PORT: String(port) });
    await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 30_000);
    // The migration bookkeeping written by the first run is still there.
    expect(second.output()).toContain(`"applied":0,"alreadyApplied":${total}`);
    second.child.kill('SIGTERM');
    const secondExit = await second.exited;
    expect(secondExit, second.output()).toEqual({ code: 0, signal: null });
    // Each boot may take its own 30 s on a loaded machine (PGlite starts in-process); the 30 s default
    // test timeout cut the second one short.
  }, 90_000);

  it('exits non-zero naming PORT when the port is already taken', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const taken = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const service = await start({ DATABASE_URL: database.url, PORT: String(port) });
      const { code } = await service.exited;
      expect(code).not.toBe(0);
      expect(service.output()).toMatch(/port \d+ on 127\.0\.0\.1 is already in use.*set PORT/);
      expect(service.output()).not.toContain('greenlight listening');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('exits non-zero naming REDIS_URL when Redis is unreachable at startup', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const deadPort = await freePort();
    const service = await start({
      DATABASE_URL: database.url,
      PORT: String(await freePort()),
      REDIS_URL: `redis://127.0.0.1:${deadPort}`,
    });
    const { code } = await service.exited;
    expect(code).not.toBe(0);
    expect(service.output()).toContain(`Redis is unreachable at REDIS_URL=redis://127.0.0.1:${deadPort}`);
  });

  it('reports Redis down on /readyz (degraded, still ready) without crashing, and recovers when Redis returns', async () => {
    const redisPort = await freePort();
    const redisDir = await mkdtemp(path.join(tmpdir(), 'greenlight-redis-'));
    const startRedis = () =>
      spawn(
        'redis-server',
        ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir],
        { stdio: 'ignore' },
      );
    let redis = startRedis();
    try {
      await waitForPort(redisPort);
      const database = await createTestDatabase();
      databases.push(database);
      const port = await freePort();
      const service = await start({
        DATABASE_URL: database.url,
        PORT: String(port),
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      });
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200);

      redis.kill('SIGKILL');
      // A web instance (ROLE=all here) stays ready through a Redis outage and says it is degraded.
      const down = await eventually(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/readyz`);
          const body = (await res.json()) as { status: string };
          return body.status === 'degraded' ? { code: res.status, body } : undefined;
        },
        10_000,
        '/readyz degraded',
      );
      expect(down.code).toBe(200);
      expect(down.body).toMatchObject({
        status: 'degraded',
        checks: { postgres: 'up', redis: 'down' },
        warning: { code: 'degraded' },
      });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(service.child.exitCode).toBeNull();

      redis = startRedis();
      await waitForPort(redisPort);
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 15_000);
      expect(service.child.exitCode).toBeNull();
    } finally {
      redis.kill('SIGKILL');
    }
  });
});
