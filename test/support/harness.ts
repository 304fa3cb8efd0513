import type { AddressInfo } from 'node:net';
import { type BuildOptions, buildApp, type Greenlight } from '../../src/app.ts';
import { parseConfig, type TConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createMigratedTestDatabase, type TestDatabase } from './database.ts';
import { keysUnder, removeKeys } from './redis-keys.ts';
import { REDIS_URL, uniquePrefix } from './run.ts';
import { SlackDouble } from './slack-double.ts';
import { SlackSender } from './slack-requests.ts';

// bench/run.ts reads these from here.
export { REDIS_URL, uniquePrefix } from './run.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface TestApp {
  app: Greenlight;
  config: TConfig;
  baseUrl: string;
  slack: SlackDouble;
  sender: SlackSender;
  database: TestDatabase;
  /** Closes the app, then drops what it owns: its database, its Slack double and its Redis keys. */
  close(): Promise<void>;
}

/** A running test app as tests see it: whoever started it closes it (see useTestApp). */
export type AppUnderTest = Omit<TestApp, 'close'>;

export interface StartOptions {
  /** Share another app's database (a second instance); it is not dropped by this app's close(). */
  database?: TestDatabase;
  /** Share another app's Slack double. */
  slack?: SlackDouble;
  now?: () => Date;
  /** Callback retry waits and attempt timeout (see BuildOptions). */
  callbackTiming?: BuildOptions['callbackTiming'];
  /** Where the app's JSON log lines go (default stdout); set LOG_LEVEL too, tests default to silent. */
  logDestination?: NodeJS.WritableStream;
}

/** Runs every step even when one fails, then throws the first failure (the others are attached). */
async function runAll(steps: Array<() => Promise<unknown>>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, 'several clean-up steps failed');
}

/**
 * Builds Greenlight in-process against a fresh database on the real PostgreSQL, the real Redis
 * (own queue prefix) and a Slack test double, and listens on a free loopback port.
 *
 * `close()` removes every Redis key under the app's queue prefix, unless `env.QUEUE_PREFIX` was
 * given: then the prefix belongs to whoever made it (a second instance shares the first's).
 * When the app fails to start, what was made for it is removed before the error is rethrown.
 */
/** The ENCRYPTION_KEY test instances share (32 bytes, base64). */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export async function startTestApp(env: Record<string, string> = {}, options: StartOptions = {}): Promise<TestApp> {
  const ownsPrefix = env.QUEUE_PREFIX === undefined;
  const prefix = env.QUEUE_PREFIX ?? uniquePrefix();
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanUp = () => runAll(cleanups.splice(0).reverse());
  try {
    if (ownsPrefix) cleanups.push(() => removeKeys(keysUnder(prefix), REDIS_URL));
    const slack = options.slack ?? (await SlackDouble.start());
    if (options.slack === undefined) cleanups.push(() => slack.close());
    const database = options.database ?? (await createMigratedTestDatabase());
    if (options.database === undefined) cleanups.push(() => database.drop());
    const config = parseConfig({
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      DATABASE_URL: database.url,
      REDIS_URL,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      // A fixed key: nothing is written under DATA_DIR, and restarted instances read their keys back.
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      ...env,
      QUEUE_PREFIX: prefix,
    });
    const build: BuildOptions = {
      ...(options.now ? { now: options.now } : {}),
      ...(options.callbackTiming ? { callbackTiming: options.callbackTiming } : {}),
    };
    const app = await buildApp(config, createLogger(config.LOG_LEVEL, options.logDestination), build);
    // Pushed last, so it runs first: nothing may write to Redis or the database once they are removed.
    cleanups.push(() => app.close());
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
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp().catch(() => {});
    throw error;
  }
}
