import { App, type CodedError, ExpressReceiver, type ReceiverEvent, SocketModeReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { TConfig } from '../config/index.ts';
import { toSlackLogger } from '../platform/logger.ts';
import type { Metrics } from '../platform/metrics.ts';
import { countingFetch } from './api-metrics.ts';
import { slackStartupError } from './connect-errors.ts';
import { interactionLog } from './interaction-log.ts';
import { staleAnswer } from './listeners/stale.ts';
import { ZEnvelope } from './payloads.ts';
import { startSocket, superviseSocket, watchSocket } from './socket-start.ts';
import { refuseOutsideSlackWindow } from './timestamp-window.ts';

/** What a log line may say about a payload: its type and the ids that route it, cut short. */
function describePayload(body: unknown): string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const first = (Array.isArray(b.actions) ? b.actions[0] : undefined) as Record<string, unknown> | undefined;
  const view = b.view as Record<string, unknown> | undefined;
  const parts = [b.type ?? b.command, first?.action_id ?? b.action_id, view?.callback_id ?? b.callback_id];
  return parts
    .filter((part) => part !== undefined && part !== null)
    .map((part) => String(part).slice(0, 60))
    .join(' ');
}

/**
 * Bolt's App, answering every authentic request at once, whatever its shape. By the time a request
 * reaches processEvent its signature has been checked (ExpressReceiver) or it came over our own
 * socket (Socket Mode), so it deserves a 200, never a 500:
 *
 * - Bolt reads `user`, `team`, `view`, `channel` and `event` to route a payload before any
 *   middleware runs (App.processEvent → getTypeAndConversation, buildSource) and throws on a payload
 *   without them; ExpressReceiver answers that with a 500. A payload that does not have the envelope
 *   Bolt routes on (ZEnvelope) is acked here and goes no further.
 * - Bolt leaves a payload of a type it does not know unacked, and one that no listener acks (none
 *   matched, or one threw first) waits for the receiver's three-second timeout and a 404. Once every
 *   listener has run, anything still unacked is acked here (the catch-all listeners answer unknown
 *   ids themselves; this is the net under them).
 *
 * Overriding processEvent is the one place both receivers pass through; a global middleware runs
 * too late (after Bolt's routing has thrown), and an Express middleware would see the body before
 * Bolt has verified it.
 */
class GuardedApp extends App {
  override async processEvent(event: ReceiverEvent): Promise<void> {
    let acked = false;
    const ack: ReceiverEvent['ack'] = async (response) => {
      acked = true;
      await event.ack(response);
    };
    if (!ZEnvelope.safeParse(event.body).success) {
      this.logger.warn(`Slack payload not understood, acked and dropped: ${describePayload(event.body)}`);
      await ack(staleAnswer(event.body));
      return;
    }
    try {
      await super.processEvent({ ...event, ack });
    } catch (error) {
      this.logger.error(`Slack payload failed (${describePayload(event.body)}): ${String(error)}`);
    }
    if (!acked) await ack(staleAnswer(event.body));
  }
}

export interface SlackApp {
  bolt: InstanceType<typeof App>;
  /**
   * The Web API client background jobs use: it never retries in-process, because a retried post
   * whose first answer was lost posts twice. Jobs retry through BullMQ instead, where each retry can
   * first look for what the lost attempt did.
   */
  jobClient: WebClient;
  /**
   * Socket Mode opens its WebSocket here, within a bounded number of tries (an error naming
   * SLACK_APP_TOKEN otherwise); over HTTP, requests arrive through the shared Express app.
   */
  start(): Promise<void>;
  stop(): Promise<void>;
  botUserId?: string;
  mode: 'http' | 'socket';
  /** Socket Mode: whether the WebSocket is connected now (for /readyz); undefined over HTTP. */
  socketConnected?: () => boolean;
}

/**
 * Bolt's ExpressReceiver on our Express app; the config check guarantees the signing secret over HTTP.
 * Every receiver of signed requests is built here, behind the replay-window check Bolt lacks (it
 * refuses only timestamps in the past).
 */
function httpReceiver(config: TConfig, expressApp: Express, logger: Logger) {
  const signingSecret = config.SLACK_SIGNING_SECRET;
  if (signingSecret === undefined) throw new Error('SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN is set');
  expressApp.post('/slack/events', refuseOutsideSlackWindow(logger));
  return new ExpressReceiver({
    signingSecret,
    endpoints: '/slack/events',
    app: expressApp,
    logger: toSlackLogger(logger),
    bodyLimit: '1mb',
  });
}

/**
 * Builds the Bolt app. Over HTTP, Bolt's ExpressReceiver is mounted on our Express app at
 * POST /slack/events and verifies Slack's signature itself (401 on a bad or stale one); a timestamp
 * more than five minutes ahead is refused (401) before it (timestamp-window.ts).
 * With SLACK_APP_TOKEN set, Socket Mode is used instead. The Web API client talks to
 * SLACK_API_URL and does not sit out rate limits in-process: a 429 surfaces to the caller
 * (a queued job reschedules by Retry-After). Every client calls Slack through one counting `fetch`
 * (greenlight_slack_api_calls_total), and every interaction is logged and timed by the first global
 * middleware (interaction-log.ts).
 */
export async function createSlackApp(
  config: TConfig,
  logger: Logger,
  expressApp: Express,
  metrics: Pick<Metrics, 'slackApiCalls' | 'slackInteractions'>,
): Promise<SlackApp> {
  const slackLogger = toSlackLogger(logger);
  const clientOptions = {
    slackApiUrl: config.SLACK_API_URL,
    fetch: countingFetch(metrics),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1000 },
    timeout: 10_000,
  };
  const common = {
    token: config.SLACK_BOT_TOKEN,
    logger: slackLogger,
    clientOptions,
    deferInitialization: true,
    extendedErrorHandler: true,
  };
  const appToken = config.SLACK_APP_TOKEN;
  const socketReceiver =
    appToken === undefined
      ? undefined
      : new SocketModeReceiver({ appToken, logger: slackLogger, installerOptions: { clientOptions } });
  const socket = socketReceiver !== undefined;
  const receiver = socketReceiver ?? httpReceiver(config, expressApp, logger);
  const app = new GuardedApp({ ...common, receiver });
  app.use(interactionLog(logger, metrics));
  // A listener that throws is logged here and the error goes no further: GuardedApp acks whatever is
  // still unacked, so the request is answered with a 200 instead of the receiver's 500.
  // (Bolt's ExtendedErrorHandlerArgs is not exported; this is the part of it we read.)
  app.error(async ({ error, body }: { error: CodedError; body: unknown }) => {
    logger.error({ err: error.original ?? error, payload: describePayload(body) }, 'slack listener failed');
  });
  // Runs auth.test: a wrong token or an unreachable SLACK_API_URL stops startup here, naming the setting.
  const auth = await (async () => {
    await app.init();
    return app.client.auth.test();
  })().catch((error: unknown) => {
    throw slackStartupError(error, { method: 'auth.test', token: 'SLACK_BOT_TOKEN', apiUrl: config.SLACK_API_URL });
  });
  const socketEvents = socketReceiver?.client;
  const socketConnected = socketEvents === undefined ? undefined : watchSocket(socketEvents);
  let supervision: ReturnType<typeof superviseSocket> | undefined;
  return {
    bolt: app,
    jobClient: new WebClient(config.SLACK_BOT_TOKEN, {
      ...clientOptions,
      logger: slackLogger,
      retryConfig: { retries: 0 },
    }),
    mode: socket ? 'socket' : 'http',
    botUserId: auth.user_id,
    ...(socketConnected === undefined ? {} : { socketConnected }),
    async start() {
      if (socketEvents === undefined) return;
      await startSocket({
        start: () => app.start(),
        stop: () => app.stop(),
        events: socketEvents,
        apiUrl: config.SLACK_API_URL,
        logger,
      });
      supervision = superviseSocket({ client: socketEvents, apiUrl: config.SLACK_API_URL, logger });
    },
    async stop() {
      supervision?.stop();
      if (socket) await app.stop();
    },
  };
}
