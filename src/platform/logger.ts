import type { Logger as SlackLogger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';
import { type Logger, pino } from 'pino';
import { currentTrace } from './trace.ts';

/** Paths that may carry a secret anywhere in a log object; pino replaces their values. */
const REDACT_PATHS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'secret',
  'apiKey',
  'authorization',
  'password',
  'grantToken',
  'callbackSecret',
  'privateKey',
  'cookie',
  '*.token',
  '*.botToken',
  '*.secret',
  '*.apiKey',
  '*.authorization',
  '*.password',
  '*.grantToken',
  '*.callbackSecret',
  '*.privateKey',
  'grant.token',
  '*.grant.token',
  'headers.authorization',
  'headers.cookie',
  'headers["x-slack-signature"]',
  'headers["webhook-signature"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'config.SLACK_BOT_TOKEN',
  'config.SLACK_SIGNING_SECRET',
  'config.SLACK_APP_TOKEN',
  'config.SERVICE_API_KEYS',
  'config.DATABASE_URL',
  'config.REDIS_URL',
  'config.ENCRYPTION_KEY',
  'config.CALLBACK_SIGNING_SECRET',
  'config.METRICS_TOKEN',
];

/**
 * Builds the one JSON logger of the process; secrets are redacted, and every line written inside an
 * HTTP request, a Slack interaction or a job carries its trace fields (`traceId`, and `job`/`jobId`
 * in a job; see platform/trace.ts). Fields the line sets itself win over the trace's.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'greenlight' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => ({ ...currentTrace() }),
    },
    destination as pino.DestinationStream | undefined,
  );
}

/** Removes credentials from a connection URL before it is logged or shown. */
export function redactUrl(raw: string): string {
  try {
    const parsed = new URL(raw);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}

const TO_PINO: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

/** Adapts pino to the @slack/logger interface so Bolt and the Web API client log through the same logger. */
export function toSlackLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack' });
  return {
    debug: (...msg: unknown[]) => child.debug(msg.map(String).join(' ')),
    info: (...msg: unknown[]) => child.info(msg.map(String).join(' ')),
    warn: (...msg: unknown[]) => child.warn(msg.map(String).join(' ')),
    error: (...msg: unknown[]) => child.error(msg.map(String).join(' ')),
    setLevel: (level: LogLevel) => {
      child.level = TO_PINO[level];
    },
    getLevel: () =>
      (Object.entries(TO_PINO).find(([, pinoLevel]) => pinoLevel === child.level)?.[0] ?? LogLevel.INFO) as LogLevel,
    setName: () => {},
  };
}
