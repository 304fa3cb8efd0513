import type { Logger } from 'pino';
import { SettingError } from '../platform/setting-error.ts';
import { slackStartupError } from './connect-errors.ts';

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

/** The Socket Mode client as the supervisor drives it: its lifecycle events, and opening a connection. */
export interface SocketClient extends SocketEvents {
  /** Opens a connection: resolves on Slack's hello, rejects when apps.connections.open or the socket fails. */
  start(): Promise<unknown>;
}

/** How long the supervisor waits between reconnects: `stepMs` more per failure in a row, at most `maxMs`. */
export interface SocketReconnectPolicy {
  stepMs: number;
  maxMs: number;
}

/** 5 s, 10 s, 15 s … between tries, as the client itself waits, but never more than a minute. */
export const SOCKET_RECONNECT: SocketReconnectPolicy = { stepMs: 5000, maxMs: 60_000 };

export interface SocketSupervision {
  client: SocketClient;
  apiUrl: string;
  logger: Logger;
  policy?: SocketReconnectPolicy;
}

/**
 * Keeps the Socket Mode connection up once startup opened it, in place of the client's own
 * reconnects: after a refusal (a revoked app token answers apps.connections.open `invalid_auth`) the
 * client rejects a promise nobody handles, and the process died with a stack trace from inside
 * @slack/socket-mode. Here a failed reconnect is logged naming the setting to fix (SLACK_APP_TOKEN,
 * or SLACK_API_URL when Slack is unreachable) and tried again later, while the process goes on: the
 * HTTP API, grants and timers keep working without Slack's traffic, and /readyz answers 503 for the
 * socket (watchSocket) until it is back. Exiting instead would take the API down too, and the restart
 * would be refused until the token is replaced. Returns `stop`, for shutdown, before the client disconnects.
 */
export function superviseSocket({ client, apiUrl, logger, policy = SOCKET_RECONNECT }: SocketSupervision): {
  stop(): void;
} {
  // autoReconnectEnabled is a constructor option the class keeps private; turned off here rather than
  // at construction so startup keeps the client's bounded retries (startSocket counts them).
  (client as unknown as { autoReconnectEnabled: boolean }).autoReconnectEnabled = false;
  let stopped = false;
  let attempting = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const attempt = () => {
    timer = undefined;
    if (stopped) return;
    attempting = true;
    client.start().then(
      () => {
        attempting = false;
        if (failures > 0) logger.info({ after: failures }, 'Socket Mode: connected to Slack again');
        failures = 0;
      },
      (error: unknown) => {
        attempting = false;
        if (stopped) return;
        failures += 1;
        const wait = Math.min(policy.maxMs, policy.stepMs * failures);
        const named = slackStartupError(error, { method: 'apps.connections.open', token: 'SLACK_APP_TOKEN', apiUrl });
        const setting = named instanceof SettingError ? named.setting : 'SLACK_APP_TOKEN';
        logger.error(
          { setting, failures, retryInSeconds: wait / 1000 },
          `Socket Mode: ${named.message} — the HTTP API and timers keep running, /readyz answers 503 until the socket is back; trying again in ${wait / 1000} s`,
        );
        timer = setTimeout(attempt, wait);
      },
    );
  };
  const onDisconnected = () => {
    // A failed try of ours also ends in `disconnected`: its rejection schedules the next one.
    if (stopped || attempting || timer !== undefined) return;
    logger.warn('Socket Mode: the connection to Slack closed; reconnecting');
    timer = setTimeout(attempt, failures === 0 ? 0 : Math.min(policy.maxMs, policy.stepMs * failures));
  };
  client.on('disconnected', onDisconnected);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      client.off('disconnected', onDisconnected);
    },
  };
}
