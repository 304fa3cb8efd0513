import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { EXIT_CONFIG } from '../../../src/config/index.ts';
import { SIGNING_SECRET } from '../../support/harness.ts';
import { freePort, waitForStatus } from '../../support/process.ts';
import { REDIS_URL } from '../../support/run.ts';
import { useServiceProcesses } from '../../support/service-processes.ts';
import { SlackDouble } from '../../support/slack-double.ts';

/** An address of this machine that is not loopback, if it has one. */
function outsideAddress(): string | undefined {
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) if (!entry.internal && entry.family === 'IPv4') return entry.address;
  }
  return undefined;
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Issue 19: `npm start` with no Slack settings starts the Playground, on loopback only. */
describe('starting the Playground', () => {
  const services = useServiceProcesses();

  it('starts with no Slack settings, on loopback whatever the default HOST, and says so in the summary', async () => {
    const database = await services.database();
    const port = await freePort();
    // HOST empty = unset: the default (0.0.0.0) must not apply to the Playground.
    const service = await services.run({
      HOST: '',
      DATABASE_URL: database.url,
      REDIS_URL,
      PORT: String(port),
      DATA_DIR: await services.dataDir(),
    });
    await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 60_000);
    const line = await service.waitForLog(/"msg":"configured: Playground at [^"]*"/);
    expect(line).toContain(`Playground at http://localhost:${port}/playground`);
    expect(line).toMatch(/demo API key gl_[A-Za-z0-9_-]+/);
    const page = await fetch(`http://127.0.0.1:${port}/playground`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Greenlight Playground');
    const outside = outsideAddress();
    if (outside !== undefined) expect(await accepts(outside, port)).toBe(false);
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
  }, 90_000);

  it('refuses an explicit non-loopback HOST without Slack settings, naming them', async () => {
    const service = await services.run({ HOST: '0.0.0.0', REDIS_URL, PORT: String(await freePort()) });
    const { code } = await service.exited;
    expect(code).toBe(EXIT_CONFIG);
    const output = service.output();
    expect(output).toContain('HOST is "0.0.0.0", not a loopback address');
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']) expect(output).toContain(name);
    expect(output).not.toContain('Playground at');
  }, 60_000);

  it('never starts with a Slack token set: no /playground route, and a partial config still lists what is missing', async () => {
    const slack = await SlackDouble.start();
    try {
      const database = await services.database();
      const port = await freePort();
      const service = await services.run({
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.url,
        DATABASE_URL: database.url,
        REDIS_URL,
        PORT: String(port),
      });
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 60_000);
      expect((await fetch(`http://127.0.0.1:${port}/playground`)).status).toBe(404);
      expect(service.output()).not.toContain('Playground at');
      service.child.kill('SIGTERM');
      await service.exited;

      // Only the signing secret: the bot token is still required, as before the Playground.
      const partial = await services.run({
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        REDIS_URL,
        PORT: String(await freePort()),
      });
      expect((await partial.exited).code).toBe(EXIT_CONFIG);
      expect(partial.output()).toContain('SLACK_BOT_TOKEN is required');
    } finally {
      await slack.close();
    }
  }, 90_000);
});
