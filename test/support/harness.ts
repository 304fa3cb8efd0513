import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp, type Greenlight } from '../../src/app.ts';
import { parseConfig, type TConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { SlackDouble } from './slack-double.ts';
import { SlackSender } from './slack-requests.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestApp {
  app: Greenlight;
  config: TConfig;
  baseUrl: string;
  slack: SlackDouble;
  sender: SlackSender;
  database: TestDatabase;
  close(): Promise<void>;
}

/** A unique BullMQ prefix, so concurrent test files never share queues. */
export function uniquePrefix(): string {
  return `gltest-${randomBytes(5).toString('hex')}`;
}

/**
 * Builds Greenlight in-process against a fresh database on the real PostgreSQL, the real Redis
 * (own queue prefix) and a Slack test double, and listens on a free loopback port.
 */
export interface StartOptions {
  /** Share another app's database (a second instance); it is not dropped by this app's close(). */
  database?: TestDatabase;
  /** Share another app's Slack double. */
  slack?: SlackDouble;
  now?: () => Date;
}

export async function startTestApp(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestApp> {
  const slack = options.slack ?? (await SlackDouble.start());
  const database = options.database ?? (await createTestDatabase());
  const config = parseConfig({
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.url,
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: uniquePrefix(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const app = await buildApp(config, createLogger(config.LOG_LEVEL), options.now ? { now: options.now } : {});
  const server = await app.listen(0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    baseUrl,
    slack,
    sender: new SlackSender(baseUrl, SIGNING_SECRET),
    database,
    async close() {
      await app.close();
      if (options.slack === undefined) await slack.close();
      if (options.database === undefined) await database.drop();
    },
  };
}
