import { z } from 'zod';

/** Slack user ids (U…, W…) and user-group ids (S…) as Slack prints them. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_APPROVER_ID = /^[UWS][A-Z0-9]{2,}$/;
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** Treats empty strings as unset, so `FOO=` in a .env file means "use the default". */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema);
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function csv(name: string, item: RegExp, itemLabel: string) {
  return optional(
    z
      .string()
      .transform(splitList)
      .pipe(z.array(z.string().regex(item, `each entry of ${name} must be ${itemLabel}`)))
      .default([]),
  );
}

function url(protocols: string[], example: string) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL like ${example}` },
  );
}

const ZServiceKeys = z
  .string()
  .transform(splitList)
  .pipe(
    z.array(
      z
        .string()
        .regex(
          /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}:.{24,}$/,
          'each entry must be name:secret with a secret of 24+ characters',
        )
        .transform((pair) => {
          const at = pair.indexOf(':');
          return { name: pair.slice(0, at), secret: pair.slice(at + 1) };
        }),
    ),
  )
  .refine((keys) => new Set(keys.map((key) => key.name)).size === keys.length, 'service names must be unique');

/**
 * The one schema over the environment. Every variable here is documented in `.env.example`
 * (test/unit/env-example.test.ts keeps the two in step). Nothing else reads `process.env`.
 */
export const ZEnv = z
  .object({
    NODE_ENV: optional(z.enum(['development', 'production', 'test']).default('production')),
    SLACK_BOT_TOKEN: z.string({ error: 'is required' }).regex(/^xoxb-/, 'must be a bot token starting with xoxb-'),
    SLACK_SIGNING_SECRET: z.string({ error: 'is required' }).min(8, 'is too short to be a Slack signing secret'),
    SLACK_APP_TOKEN: optional(
      z
        .string()
        .regex(/^xapp-/, 'must be an app-level token starting with xapp-')
        .optional(),
    ),
    SLACK_API_URL: optional(url(['https:', 'http:'], 'https://slack.com/api/').default('https://slack.com/api/')),
    DATABASE_URL: optional(url(['postgres:', 'postgresql:'], 'postgresql://user:pass@host:5432/db').optional()),
    DATA_DIR: optional(z.string().default('./.data')),
    DATABASE_POOL_SIZE: optional(z.coerce.number().int().min(1).max(200).default(10)),
    REDIS_URL: optional(url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379').default('redis://127.0.0.1:6379')),
    QUEUE_PREFIX: optional(
      z
        .string()
        .regex(/^[a-zA-Z0-9_-]+$/, 'may hold only letters, digits, _ and -')
        .default('greenlight'),
    ),
    PORT: optional(z.coerce.number().int().min(0).max(65535).default(3000)),
    HOST: optional(z.string().default('0.0.0.0')),
    LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    APPROVAL_CHANNEL: optional(
      z.string().regex(SLACK_CHANNEL_ID, 'must be a Slack channel id like C0123456789').optional(),
    ),
    APPROVERS: csv('APPROVERS', SLACK_APPROVER_ID, 'a Slack user id (U…/W…) or user-group id (S…)'),
    REQUIRED_APPROVALS: optional(z.coerce.number().int().min(1).max(50).default(1)),
    DEFAULT_TTL_SECONDS: optional(
      z.coerce
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 3600)
        .default(900),
    ),
    MIN_TTL_SECONDS: optional(z.coerce.number().int().min(1).max(3600).default(30)),
    MAX_TTL_SECONDS: optional(
      z.coerce
        .number()
        .int()
        .min(10)
        .max(30 * 24 * 3600)
        .default(24 * 3600),
    ),
    ADMIN_USER_IDS: csv('ADMIN_USER_IDS', SLACK_USER_ID, 'a Slack user id (U…/W…)'),
    SERVICE_API_KEYS: optional(ZServiceKeys.default([])),
    ROLE: optional(z.enum(['all', 'web', 'worker']).default('all')),
    WORKER_CONCURRENCY: optional(z.coerce.number().int().min(1).max(500).default(32)),
    SHUTDOWN_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(60_000).default(8000)),
    RECONCILE_INTERVAL_SECONDS: optional(z.coerce.number().int().min(1).max(3600).default(60)),
  })
  .superRefine((env, ctx) => {
    if (env.DEFAULT_TTL_SECONDS < env.MIN_TTL_SECONDS) {
      ctx.addIssue({ code: 'custom', path: ['DEFAULT_TTL_SECONDS'], message: 'must not be below MIN_TTL_SECONDS' });
    }
    if (env.DEFAULT_TTL_SECONDS > env.MAX_TTL_SECONDS) {
      ctx.addIssue({ code: 'custom', path: ['DEFAULT_TTL_SECONDS'], message: 'must not exceed MAX_TTL_SECONDS' });
    }
    const individualApprovers = env.APPROVERS.filter((id) => !id.startsWith('S'));
    const hasGroup = individualApprovers.length < env.APPROVERS.length;
    if (!hasGroup && env.APPROVERS.length > 0 && env.REQUIRED_APPROVALS > env.APPROVERS.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['REQUIRED_APPROVALS'],
        message: `is ${env.REQUIRED_APPROVALS} but APPROVERS names only ${env.APPROVERS.length}`,
      });
    }
    if (env.APPROVERS.length > 0 && env.APPROVAL_CHANNEL === undefined) {
      ctx.addIssue({ code: 'custom', path: ['APPROVAL_CHANNEL'], message: 'is required when APPROVERS is set' });
    }
  });

export type TConfig = Readonly<z.output<typeof ZEnv>>;

/** Raised for an invalid environment; `problems` holds one line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (normally `process.env`) into a frozen config, or throws a ConfigError listing every problem. */
export function parseConfig(env: Record<string, string | undefined>): TConfig {
  const result = ZEnv.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.length > 0 ? String(issue.path[0]) : 'environment';
      const message = issue.code === 'invalid_type' && env[name] === undefined ? 'is required' : issue.message;
      return `${name} ${message}`;
    });
    throw new ConfigError(problems);
  }
  return Object.freeze(result.data);
}
