import { App, ExpressReceiver, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { TConfig } from '../config/index.ts';
import { toSlackLogger } from '../platform/logger.ts';

export interface SlackApp {
  bolt: InstanceType<typeof App>;
  /**
   * The Web API client background jobs use: it never retries in-process, because a retried post
   * whose first answer was lost posts twice. Jobs retry through BullMQ instead, where each retry can
   * first look for what the lost attempt did.
   */
  jobClient: WebClient;
  /** Socket Mode opens its WebSocket here; over HTTP, requests arrive through the shared Express app. */
  start(): Promise<void>;
  stop(): Promise<void>;
  botUserId?: string;
  mode: 'http' | 'socket';
}

/**
 * Builds the Bolt app. Over HTTP, Bolt's ExpressReceiver is mounted on our Express app at
 * POST /slack/events and verifies Slack's signature itself (401 on a bad or stale one).
 * With SLACK_APP_TOKEN set, Socket Mode is used instead. The Web API client talks to
 * SLACK_API_URL and does not sit out rate limits in-process: a 429 surfaces to the caller
 * (a queued job reschedules by Retry-After).
 */
export async function createSlackApp(config: TConfig, logger: Logger, expressApp: Express): Promise<SlackApp> {
  const slackLogger = toSlackLogger(logger);
  const clientOptions = {
    slackApiUrl: config.SLACK_API_URL,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1000 },
    timeout: 10_000,
  };
  const common = {
    token: config.SLACK_BOT_TOKEN,
    logger: slackLogger,
    clientOptions,
    deferInitialization: true,
  };
  const socket = config.SLACK_APP_TOKEN !== undefined;
  const receiver = socket
    ? new SocketModeReceiver({
        appToken: config.SLACK_APP_TOKEN as string,
        logger: slackLogger,
        installerOptions: { clientOptions },
      })
    : new ExpressReceiver({
        signingSecret: config.SLACK_SIGNING_SECRET,
        endpoints: '/slack/events',
        app: expressApp,
        logger: slackLogger,
        bodyLimit: '1mb',
      });
  const app = new App({ ...common, receiver });
  // Runs auth.test: a wrong token or an unreachable SLACK_API_URL stops startup here.
  await app.init();
  const auth = await app.client.auth.test();
  return {
    bolt: app,
    jobClient: new WebClient(config.SLACK_BOT_TOKEN, {
      ...clientOptions,
      logger: slackLogger,
      retryConfig: { retries: 0 },
    }),
    mode: socket ? 'socket' : 'http',
    botUserId: auth.user_id,
    async start() {
      if (socket) await app.start();
    },
    async stop() {
      if (socket) await app.stop();
    },
  };
}
