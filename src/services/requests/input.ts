import { z } from 'zod';
import type { TConfig } from '../../config/index.ts';
import { RISKS } from '../../domain/request-status.ts';

/** Field rules shared by the API and the /request-action modal. */
export const ZAction = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9_.:/*-]+$/, 'may hold only letters, digits and _ . : / * - (e.g. db.drop_table)');
export const ZResource = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(500, 'must be at most 500 characters');
export const ZReason = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(3000, 'must be at most 3000 characters');
export const ZEnvironment = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
export const ZRisk = z.enum(RISKS, { error: `must be one of ${RISKS.join(', ')}` });

const ZContextValue = z.union([z.string().max(2000, 'must be at most 2000 characters'), z.number(), z.boolean()], {
  error: 'must be a string, number or boolean',
});

export function ttlSchema(config: Pick<TConfig, 'MIN_TTL_SECONDS' | 'MAX_TTL_SECONDS'>) {
  return z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(config.MIN_TTL_SECONDS, `must be at least ${config.MIN_TTL_SECONDS}`)
    .max(config.MAX_TTL_SECONDS, `must be at most ${config.MAX_TTL_SECONDS}`);
}

/** The body of `POST /api/v1/requests`. Unknown fields are refused, so typos do not pass silently. */
export function createRequestSchema(config: Pick<TConfig, 'MIN_TTL_SECONDS' | 'MAX_TTL_SECONDS'>) {
  return z
    .object({
      action: ZAction,
      resource: ZResource,
      reason: ZReason,
      requester: z
        .object(
          {
            slackUserId: z
              .string()
              .regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id like U0123ABCD')
              .optional(),
            email: z.email('must be an e-mail address').max(254).optional(),
          },
          { error: 'is required: { "slackUserId": "U…" } or { "email": "…" }' },
        )
        .strict()
        .refine((r) => (r.slackUserId === undefined) !== (r.email === undefined), {
          message: 'must give exactly one of slackUserId or email',
        }),
      environment: ZEnvironment.optional(),
      risk: ZRisk.default('medium'),
      context: z
        .record(z.string().min(1).max(100, 'keys must be at most 100 characters'), ZContextValue, {
          error: 'must be a flat object of strings, numbers and booleans',
        })
        .refine((context) => Object.keys(context).length <= 50, 'may hold at most 50 fields')
        .default({}),
      ttlSeconds: ttlSchema(config).optional(),
      callbackUrl: z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .max(2048, 'must be at most 2048 characters')
        .optional(),
    })
    .strict();
}

/** zod issues as `{ path, message }` pairs, one per invalid field. */
export function fieldErrors(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return { path: [path, ...issue.keys].filter(Boolean).join('.'), message: 'is not a known field' };
    }
    return { path: path === '' ? '(body)' : path, message: issue.message };
  });
}
