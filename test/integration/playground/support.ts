import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../../support/chromium.ts';
import { freePort, ROOT, type RunningService, waitForStatus } from '../../support/process.ts';
import { REDIS_URL, uniquePrefix } from '../../support/run.ts';
import { useServiceProcesses } from '../../support/service-processes.ts';

/** Where the tests' screenshots go (git-ignored); three of them are kept as docs/images/playground-*.png. */
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'playground');

export const RITA = 'U0RITA0001';
export const ANA = 'U0ANA00001';
export const OMAR = 'U0OMAR0001';
export const SAM = 'U0SAM00001';

export interface PlaygroundUnderTest {
  service: RunningService;
  base: string;
  apiKey: string;
  /** The service's BullMQ queue prefix (in the shared Redis; its keys are removed after each test). */
  queuePrefix: string;
  browser: Browser;
  /** Asks for approval as the Service panel does (the same call, made from the test), for Rita; answers the request's id. */
  request(body: Record<string, unknown>): Promise<string>;
  /** A new page in its own browser context, as `person`, at `at` (a channel or DM id, or `home`), live. */
  open(person: string, at?: string): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
}

/**
 * For a test file: one Chromium, and `start()` which runs the built service as `npm start` would
 * with no Slack settings (its own test database, DATA_DIR and queue prefix from the harness, removed
 * after each test; the shared Redis).
 */
export function usePlayground(): { start(): Promise<PlaygroundUnderTest> } {
  const services = useServiceProcesses();
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async start() {
      const b = browser;
      if (b === undefined) throw new Error('no browser');
      const database = await services.database();
      const port = await freePort();
      const queuePrefix = uniquePrefix();
      const service = await services.run({
        HOST: '',
        QUEUE_PREFIX: queuePrefix,
        DATABASE_URL: database.url,
        REDIS_URL,
        PORT: String(port),
        DATA_DIR: await services.dataDir(),
      });
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, 60_000);
      const line = await service.waitForLog(/demo API key gl_[A-Za-z0-9_-]+/);
      const base = `http://localhost:${port}`;
      const apiKey = line.replace('demo API key ', '');
      return {
        service,
        base,
        apiKey,
        queuePrefix,
        browser: b,
        async request(body) {
          const response = await fetch(`${base}/api/v1/requests`, {
            method: 'POST',
            headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ requester: { slackUserId: RITA }, reason: 'needed for the demo', ...body }),
          });
          const answer = (await response.json()) as { id?: string };
          if (response.status !== 201 || answer.id === undefined) {
            throw new Error(`POST /api/v1/requests answered ${response.status}: ${JSON.stringify(answer)}`);
          }
          return answer.id;
        },
        async open(person, at = 'C0APPROVAL') {
          const context = await b.newContext({ viewport: { width: 1400, height: 900 } });
          const page = await context.newPage();
          await page.goto(`${base}/playground?as=${person}&c=${at}`);
          // Live once the event stream is open: nothing that happens after this can be missed.
          await page.locator('body[data-live="true"]').waitFor();
          return page;
        },
        async shot(page, name) {
          await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
        },
      };
    },
  };
}
