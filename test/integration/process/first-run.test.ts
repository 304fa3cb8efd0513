import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../src/platform/data-dir-lock.ts';
import { DEFAULT_REDIS_URL } from '../../../src/platform/embedded-redis.ts';
import { SIGNING_SECRET } from '../../support/harness.ts';
import { freePort, waitForStatus } from '../../support/process.ts';
import { REDIS_URL } from '../../support/run.ts';
import { useServiceProcesses } from '../../support/service-processes.ts';
import { SlackDouble } from '../../support/slack-double.ts';

const CHANNEL = 'C0APPROVAL';
const REQUESTER = 'U0REQUEST1';
const APPROVER = 'U0APPROVA1';
const API_KEY = 'ci-first-run-0123456789abcdef';

/** A trial as a new user starts it: Slack settings only, so the embedded database under DATA_DIR. */
describe('a first run', () => {
  const services = useServiceProcesses();
  let slack: SlackDouble;
  beforeAll(async () => {
    slack = await SlackDouble.start();
    slack.addChannel(CHANNEL);
    slack.addUser({ id: REQUESTER, name: 'rita' });
    slack.addUser({ id: APPROVER, name: 'alice' });
  });
  afterAll(async () => {
    await slack.close();
  });

  const slackEnv = () => ({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
  });

  it.runIf(REDIS_URL === DEFAULT_REDIS_URL)(
    'with REDIS_URL unset uses the Redis answering on 127.0.0.1:6379, and summarises what is configured and missing',
    async () => {
      const port = await freePort();
      const service = await services.run({ ...slackEnv(), DATA_DIR: await services.dataDir(), PORT: String(port) });
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 30_000);
      const output = service.output();
      expect(output).toContain('REDIS_URL is not set: using the Redis answering at the default address');
      expect(output).toMatch(
        /"msg":"configured: Slack over HTTP \(\/slack\/events\); role all; no default route; 0 enabled rules; no admins; no API clients; database embedded \(PGlite under DATA_DIR\); redis 127\.0\.0\.1:6379"/,
      );
      expect(output).toMatch(/"level":40,[^\n]*"msg":"no approvers: [^"]*every API call will be refused/);
      expect(output).toMatch(/"level":40,[^\n]*"msg":"no admins: [^"]*nobody can edit rules/);
      service.child.kill('SIGTERM');
      expect((await service.exited).code).toBe(0);
    },
    60_000,
  );

  it('refuses a second instance on the same DATA_DIR, naming DATA_DIR and the first one’s pid', async () => {
    const dataDir = await services.dataDir();
    const firstPort = await freePort();
    const first = await services.run({ ...slackEnv(), REDIS_URL, DATA_DIR: dataDir, PORT: String(firstPort) });
    await waitForStatus(`http://127.0.0.1:${firstPort}/readyz`, 200, 30_000);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);

    const second = await services.run({ ...slackEnv(), REDIS_URL, DATA_DIR: dataDir, PORT: String(await freePort()) });
    const { code } = await second.exited;
    expect(code).not.toBe(0);
    expect(second.output()).toContain(`DATA_DIR ${dataDir} is in use by another Greenlight (pid ${first.child.pid})`);
    // The first one is unharmed and still serves.
    expect((await fetch(`http://127.0.0.1:${firstPort}/readyz`)).status).toBe(200);

    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  }, 90_000);

  it('answers open long-polls at once on SIGTERM and exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    const database = await services.database();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const service = await services.run({
      ...slackEnv(),
      REDIS_URL,
      DATABASE_URL: database.url,
      PORT: String(port),
      APPROVAL_CHANNEL: CHANNEL,
      APPROVERS: APPROVER,
      SERVICE_API_KEYS: `ci:${API_KEY}`,
      SHUTDOWN_TIMEOUT_MS: '8000',
    });
    await waitForStatus(`${base}/readyz`, 200, 30_000);
    const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const created = await fetch(`${base}/api/v1/requests`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          action: 'db.migrate',
          resource: `prod/db-${n}`,
          reason: 'release 42',
          requester: { slackUserId: REQUESTER },
        }),
      });
      expect(created.status).toBe(201);
      ids.push(((await created.json()) as { id: string }).id);
    }
    // Three clients wait up to 60 s each for a decision that will not come before shutdown.
    const polls = ids.map((id) => fetch(`${base}/api/v1/requests/${id}?wait=60`, { headers }));
    // Give the polls time to arrive and park (nothing here depends on how long that takes).
    await new Promise((resolve) => setTimeout(resolve, 1000));

    service.child.kill('SIGTERM');
    const answers = await Promise.all(polls);
    for (const [index, answer] of answers.entries()) {
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ id: ids[index], status: 'pending' });
    }
    // Exit code 0 means the shutdown finished within SHUTDOWN_TIMEOUT_MS (past it, the process exits 1).
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.output()).toContain('shutdown complete');
  }, 60_000);
});
