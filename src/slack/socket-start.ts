import type { Logger } from 'pino';
import { SettingError } from '../platform/startup-errors.ts';
import { slackStartupError } from './startup-errors.ts';

/** The lifecycle events of @slack/socket-mode's SocketModeClient that startup and readiness read. */
export interface SocketEvents {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}

/** How long startup keeps trying to open the Socket Mode connection before it gives up. */
export interface SocketStartLimits {
  /** Connection attempts (the first one included); the client waits 5 s, 10 s, 15 s … between them. */
  tries: number;
  /** Overall bound, for a socket that opens but never hears Slack's hello. */
  withinMs: number;
}

/**
 * Four tries (the client waits 5 s, 10 s and 15 s between them), and never more than 40 s in all:
 * time for the fourth try to fail, and for a socket that opened to hear Slack's hello.
 */
export const SOCKET_START_LIMITS: SocketStartLimits = { tries: 4, withinMs: 40_000 };

/**
 * Follows the Socket Mode client's lifecycle: true from Slack's hello until the socket closes or
 * reconnects. /readyz reports it, so an instance whose socket is down is not taken for ready.
 */
export function watchSocket(events: SocketEvents): () => boolean {
  let connected = false;
  events.on('connected', () => {
    connected = true;
  });
  for (const event of ['connecting', 'reconnecting', 'disconnecting', 'disconnected', 'close']) {
    events.on(event, () => {
      connected = false;
    });
  }
  return () => connected;
}

export interface SocketStart {
  /** Bolt's App.start: opens the connection; resolves on Slack's hello, rejects on an unrecoverable error. */
  start(): Promise<unknown>;
  /** Bolt's App.stop: closes the connection and cancels pending reconnects. */
  stop(): Promise<unknown>;
  events: SocketEvents;
  apiUrl: string;
  logger: Logger;
  limits?: SocketStartLimits;
}

function gaveUp(tries: number, startedAt: number): SettingError {
  const seconds = Math.round((Date.now() - startedAt) / 1000);
  return new SettingError(
    'SLACK_APP_TOKEN',
    `could not connect to Slack in Socket Mode (${tries} ${tries === 1 ? 'try' : 'tries'} in ${seconds} s; the errors logged above say why): check SLACK_APP_TOKEN (an app-level token with connections:write, Socket Mode turned on for the app) and that this machine reaches wss-primary.slack.com`,
  );
}

/**
 * Opens the Socket Mode connection at startup within a bounded number of tries. The client alone
 * retries a failing `apps.connections.open` or WebSocket forever, so a revoked or wrong app token
 * would leave the service up, deaf to Slack, and silent; here a refused token fails at once and
 * anything else after `limits`, with an error naming SLACK_APP_TOKEN. Once connected, the client's
 * own reconnects take over.
 */
export function startSocket({ start, stop, events, apiUrl, logger, limits = SOCKET_START_LIMITS }: SocketStart) {
  return new Promise<void>((resolve, reject) => {
    const startedAt = Date.now();
    let tries = 1;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      events.off('connected', onConnected);
      events.off('reconnecting', onRetry);
      clearTimeout(timer);
      if (error === undefined) {
        logger.info('Socket Mode: connected to Slack');
        resolve();
        return;
      }
      // Cancels the client's pending reconnect, so nothing keeps trying behind the failure.
      stop().then(
        () => reject(error),
        () => reject(error),
      );
    };
    const onConnected = () => finish();
    const onRetry = () => {
      if (tries >= limits.tries) {
        finish(gaveUp(tries, startedAt));
        return;
      }
      tries += 1;
      logger.warn({ attempt: tries, of: limits.tries }, 'Socket Mode: connecting to Slack again');
    };
    const timer = setTimeout(() => finish(gaveUp(tries, startedAt)), limits.withinMs);
    events.on('connected', onConnected);
    events.on('reconnecting', onRetry);
    logger.info('Socket Mode: connecting to Slack (/readyz answers 503 until the socket is connected)');
    start().then(
      () => finish(),
      (error: unknown) =>
        finish(
          error === undefined
            ? gaveUp(tries, startedAt)
            : slackStartupError(error, { method: 'apps.connections.open', token: 'SLACK_APP_TOKEN', apiUrl }),
        ),
    );
  });
}
