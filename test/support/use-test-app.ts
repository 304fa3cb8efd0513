import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type AppUnderTest, type StartOptions, startTestApp, type TestApp } from './harness.ts';

export interface UseTestAppOptions extends StartOptions {
  /** How to start the app: startTestApp (the default), or startLifecycleApp for a seeded lifecycle. */
  start?: (env: Record<string, string>, options: StartOptions) => Promise<TestApp>;
  /** `'file'` (the default): one app for the enclosing describe block; `'test'`: a fresh app for each test. */
  per?: 'file' | 'test';
}

/**
 * Starts a test app before the tests of the enclosing describe block (or before each test) and
 * closes it after them. Closing removes the app's database, Slack double and every Redis key under
 * its queue prefix, so a file leaves nothing behind.
 *
 * Returns a handle whose fields read the app of the moment; use it inside tests and hooks that are
 * registered after this call (vitest runs `beforeAll` hooks in order, and `afterAll` in reverse, so
 * such hooks see the app started and not yet closed).
 *
 * @example
 * const t = useTestApp({ REQUIRED_APPROVALS: '2' }, { start: startLifecycleApp });
 * beforeAll(() => t.slack.addChannel('C0DBA00001'));
 * it('answers /healthz', async () => expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200));
 */
export function useTestApp(env: Record<string, string> = {}, options: UseTestAppOptions = {}): AppUnderTest {
  const { start = startTestApp, per = 'file', ...startOptions } = options;
  const [before, after] = per === 'test' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  let current: TestApp | undefined;
  before(async () => {
    current = await start(env, startOptions);
  });
  after(async () => {
    const running = current;
    current = undefined;
    await running?.close();
  });
  const live = (): TestApp => {
    if (current === undefined) {
      throw new Error('useTestApp(): the app runs only inside tests and hooks registered after useTestApp()');
    }
    return current;
  };
  return {
    get app() {
      return live().app;
    },
    get config() {
      return live().config;
    },
    get baseUrl() {
      return live().baseUrl;
    },
    get slack() {
      return live().slack;
    },
    get sender() {
      return live().sender;
    },
    get database() {
      return live().database;
    },
  };
}
