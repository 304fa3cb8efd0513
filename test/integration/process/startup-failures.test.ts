import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CONFIG } from '../../../src/config/index.ts';
import { ADMIN_DATABASE_URL } from '../../support/database.ts';
import { SIGNING_SECRET } from '../../support/harness.ts';
import { freePort, ROOT, runService, waitForStatus } from '../../support/process.ts';
import { keysUnder, removeKeys } from '../../support/redis-keys.ts';
import { REDIS_URL, uniquePrefix } from '../../support/run.ts';
import { useServiceProcesses } from '../../support/service-processes.ts';
import { SlackDouble } from '../../support/slack-double.ts';

/** The message of the service's fatal log line (JSON escapes quotes, so match on the parsed text). */
function fatalMessage(output: string): string | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { level?: number; msg?: string };
    if (entry.level === 60) return entry.msg;
  }
  return undefined;
}

/**
 * Each startup failure a first run meets ends the process with a non-zero code and a message naming
 * the setting to change — never its secret. They run the built service (`node dist/main.js`).
 */
describe('startup failures name the setting', () => {
  const services = useServiceProcesses();
  let slack: SlackDouble;
  beforeAll(async () => {
    slack = await SlackDouble.start();
  });
  afterAll(async () => {
    await slack.close();
  });

  /** A service with everything right but what `env` overrides. */
  async function run(env: Record<string, string>) {
    const database = await services.database();
    return services.run({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      DATABASE_URL: database.url,
      REDIS_URL,
      PORT: String(await freePort()),
      ...env,
    });
  }

  it('a copied .env.example: exits 78 naming each placeholder and what to put there, with no stack trace', async () => {
    const example = await readFile(path.join(ROOT, '.env.example'), 'utf8');
    // Only what a service that got past its config would touch: a queue prefix of its own, a Slack that is not there.
    const prefix = uniquePrefix();
    const deadSlack = `http://127.0.0.1:${await freePort()}/api/`;
    const service = await runService({ QUEUE_PREFIX: prefix, SLACK_API_URL: deadSlack }, [], { '.env': example });
    // Without the check it would run on (and fail later, at Slack): never leave it behind.
    const stray = setTimeout(() => service.child.kill('SIGKILL'), 20_000);
    const { code } = await service.exited.finally(() => clearTimeout(stray));
    await removeKeys(keysUnder(prefix), REDIS_URL);
    expect(code).toBe(EXIT_CONFIG);
    const output = service.output();
    expect(output).toContain('greenlight: Invalid configuration:');
    expect(output).toContain(
      '  - SLACK_BOT_TOKEN is still the placeholder from .env.example ("xoxb-your-bot-token"): put your Slack app\'s bot token there',
    );
    expect(output).toContain(
      '  - SLACK_SIGNING_SECRET is still the placeholder from .env.example ("your-signing-secret"): put your Slack app\'s signing secret there',
    );
    expect(output).not.toMatch(/^\s+at /m);
  });

  it('Slack unreachable: names SLACK_API_URL and shows it', async () => {
    const deadUrl = `http://127.0.0.1:${await freePort()}/api/`;
    const service = await run({ SLACK_API_URL: deadUrl });
    const { code } = await service.exited;
    expect(code).not.toBe(0);
    expect(service.output()).toContain(`Slack is unreachable at SLACK_API_URL=${deadUrl} (auth.test)`);
    expect(service.output()).not.toContain('greenlight listening');
  });

  it.each([
    ['invalid_auth', { SLACK_BOT_TOKEN: 'xoxb-0000-not-our-token' }, undefined],
    ['account_inactive', {}, 'account_inactive'],
    ['not_authed', {}, 'not_authed'],
  ])('auth.test answering %s: names SLACK_BOT_TOKEN, never the token', async (error, env, inject) => {
    if (inject !== undefined) slack.failNext('auth.test', { error: inject });
    const service = await run(env);
    const { code } = await service.exited;
    expect(code).not.toBe(0);
    expect(service.output()).toContain(`Slack refused SLACK_BOT_TOKEN (${error})`);
    expect(service.output()).not.toContain('xoxb-0000-not-our-token');
    expect(service.output()).not.toContain(slack.botToken);
  });

  it('database unreachable: names DATABASE_URL with host and port, never the password', async () => {
    const deadPort = await freePort();
    const service = await run({ DATABASE_URL: `postgresql://greenlight:pa55-w0rd-secret@127.0.0.1:${deadPort}/gl` });
    const { code } = await service.exited;
    expect(code).not.toBe(0);
    expect(service.output()).toContain(
      `cannot connect to PostgreSQL at DATABASE_URL (host 127.0.0.1, port ${deadPort}, database gl, user greenlight): unreachable: connection refused`,
    );
    expect(service.output()).not.toContain('pa55-w0rd-secret');
  });

  it('database missing: names DATABASE_URL and says how to fix it', async () => {
    const url = new URL(ADMIN_DATABASE_URL);
    url.pathname = '/greenlight_test_no_such_database';
    const service = await run({ DATABASE_URL: url.toString() });
    const { code } = await service.exited;
    expect(code).not.toBe(0);
    expect(fatalMessage(service.output())).toMatch(
      /^startup failed: cannot connect to PostgreSQL at DATABASE_URL \(host [^)]*database greenlight_test_no_such_database[^)]*\): database "greenlight_test_no_such_database" does not exist: create it/,
    );
  });

  describe('Socket Mode', () => {
    /** Socket Mode needs no signing secret: none is given. */
    async function runSocket(double: SlackDouble, appToken: string) {
      const database = await services.database();
      const port = await freePort();
      const service = await services.run({
        SLACK_BOT_TOKEN: double.botToken,
        SLACK_APP_TOKEN: appToken,
        SLACK_API_URL: double.url,
        DATABASE_URL: database.url,
        REDIS_URL,
        PORT: String(port),
      });
      return { service, port };
    }

    it('a bad or revoked SLACK_APP_TOKEN (invalid_auth): exits at once naming it, never showing it', async () => {
      const { service } = await runSocket(slack, 'xapp-1-revoked-or-wrong-0000');
      const { code } = await service.exited;
      expect(code).not.toBe(0);
      expect(service.output()).toContain('Slack refused SLACK_APP_TOKEN (invalid_auth)');
      expect(service.output()).not.toContain('xapp-1-revoked-or-wrong-0000');
      expect(service.output()).not.toContain('greenlight listening');
    });

    it('while the socket connects: /healthz is alive and /readyz is 503 "slack socket not connected"; then ready', async () => {
      // apps.connections.open answers only after 8 s: the socket is still connecting meanwhile.
      slack.delayNext('apps.connections.open', 8000);
      const { service, port } = await runSocket(slack, slack.appToken);
      const notReady = await waitForStatus(`http://127.0.0.1:${port}/readyz`, 503, 30_000);
      expect(await notReady.json()).toEqual({
        status: 'unavailable',
        checks: { postgres: 'up', redis: 'up', slackSocket: 'not connected' },
        error: { code: 'not_ready', message: 'slack socket not connected' },
      });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      const ready = await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 30_000);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { postgres: 'up', redis: 'up', slackSocket: 'connected' },
      });
      await service.waitForLog(/greenlight listening/);
      service.child.kill('SIGTERM');
      expect((await service.exited).code).toBe(0);
    }, 60_000);

    it('a socket that never connects: gives up after a bounded number of tries, naming SLACK_APP_TOKEN', async () => {
      // A double of its own, so the failures left over do not reach other tests.
      const failing = await SlackDouble.start();
      try {
        failing.failNext('apps.connections.open', { error: 'internal_error' }, 20);
        const { service, port } = await runSocket(failing, failing.appToken);
        const notReady = await waitForStatus(`http://127.0.0.1:${port}/readyz`, 503, 30_000);
        expect(await notReady.json()).toMatchObject({ error: { message: 'slack socket not connected' } });
        const { code } = await service.exited;
        expect(code).not.toBe(0);
        expect(service.output()).toMatch(
          /could not connect to Slack in Socket Mode \(4 tries in \d+ s; the errors logged above say why\): check SLACK_APP_TOKEN/,
        );
        expect(failing.callsOf('apps.connections.open').length).toBeGreaterThanOrEqual(4);
        expect(service.output()).not.toContain(failing.appToken);
      } finally {
        await failing.close();
      }
    }, 90_000);
  });
});
