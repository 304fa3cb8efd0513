import { definePart, integer, oneOf, type TProblem, text, withDefault } from './fields.ts';

const DAY = 24 * 3600;

/** How the process runs: HTTP, logging, its role, shutdown, and the time-to-decide limits. */
export const core = definePart(
  {
    NODE_ENV: withDefault(oneOf(['development', 'production', 'test']), 'production'),
    PORT: withDefault(integer(0, 65535), 3000),
    HOST: withDefault(text, '0.0.0.0'),
    LOG_LEVEL: withDefault(oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
    ROLE: withDefault(oneOf(['all', 'web', 'worker']), 'all'),
    SHUTDOWN_TIMEOUT_MS: withDefault(integer(100, 60_000), 8000),
    DEFAULT_TTL_SECONDS: withDefault(integer(1, 7 * DAY), 900),
    MIN_TTL_SECONDS: withDefault(integer(1, 3600), 30),
    MAX_TTL_SECONDS: withDefault(integer(10, 30 * DAY), DAY),
  },
  ({ DEFAULT_TTL_SECONDS, MIN_TTL_SECONDS, MAX_TTL_SECONDS }) => {
    const problems: TProblem[] = [];
    if (DEFAULT_TTL_SECONDS === undefined) return problems;
    if (MIN_TTL_SECONDS !== undefined && DEFAULT_TTL_SECONDS < MIN_TTL_SECONDS) {
      problems.push({
        name: 'DEFAULT_TTL_SECONDS',
        message: `is ${DEFAULT_TTL_SECONDS}, below MIN_TTL_SECONDS (${MIN_TTL_SECONDS})`,
      });
    }
    if (MAX_TTL_SECONDS !== undefined && DEFAULT_TTL_SECONDS > MAX_TTL_SECONDS) {
      problems.push({
        name: 'DEFAULT_TTL_SECONDS',
        message: `is ${DEFAULT_TTL_SECONDS}, above MAX_TTL_SECONDS (${MAX_TTL_SECONDS})`,
      });
    }
    return problems;
  },
);
