import { createHash, randomUUID } from 'node:crypto';
import type { CreateRequestInput } from '../../client/index.ts';
import { UsageError } from './exit-codes.ts';

/** Where the Idempotency-Key of a `greenlight run` came from. */
export type KeySource = 'flag' | 'github' | 'gitlab' | 'random';

/** The first key of a run, and how to name the next ones (see {@link nthKey}). */
export interface IdempotencyBase {
  key: string;
  source: KeySource;
}

/** Room left for the `~n` suffix under the service's limit of 255 characters. */
const MAX_EXPLICIT_KEY = 240;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The CI job this process runs in, by identifiers that stay the same when the job or one of its
 * steps is retried within the same pipeline run, or null outside a known CI.
 *
 * GitHub Actions: repository, run id, job id and step id; not GITHUB_RUN_ATTEMPT, which a
 * "re-run" changes. GitLab CI: project, pipeline and job *name*; not CI_JOB_ID, which every retry
 * of a job changes.
 */
export function ciScope(env: Record<string, string | undefined>): { source: KeySource; ids: string[] } | null {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_RUN_ID) {
    const ids = [env.GITHUB_REPOSITORY, env.GITHUB_RUN_ID, env.GITHUB_JOB, env.GITHUB_ACTION];
    return { source: 'github', ids: ids.map((id) => id ?? '') };
  }
  if (env.GITLAB_CI === 'true' && env.CI_PIPELINE_ID) {
    const ids = [env.CI_PROJECT_ID, env.CI_PIPELINE_ID, env.CI_JOB_NAME];
    return { source: 'gitlab', ids: ids.map((id) => id ?? '') };
  }
  return null;
}

/** The request body with its context in key order, so the flags' order does not change the key. */
function canonicalBody(body: CreateRequestInput): unknown {
  const context = Object.entries(body.context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { ...body, context };
}

/**
 * The Idempotency-Key of a `greenlight run`, so a retried CI step finds the request it made before
 * instead of asking the approvers again:
 *
 * - `--idempotency-key` / GREENLIGHT_IDEMPOTENCY_KEY, as given;
 * - in GitHub Actions or GitLab CI, a SHA-256 of the CI job's identity ({@link ciScope}), the
 *   request body and the command: the same step with the same inputs in the same pipeline run
 *   gets the same key, anything else another;
 * - elsewhere a random key: it only makes the client's own retries of the create safe.
 */
export function idempotencyBase(
  input: { body: CreateRequestInput; command: string[]; explicit: string | undefined },
  env: Record<string, string | undefined>,
): IdempotencyBase {
  if (input.explicit !== undefined) {
    if (!VISIBLE_ASCII.test(input.explicit) || input.explicit.length > MAX_EXPLICIT_KEY) {
      throw new UsageError(`--idempotency-key must be 1–${MAX_EXPLICIT_KEY} visible ASCII characters`);
    }
    return { key: input.explicit, source: 'flag' };
  }
  const scope = ciScope(env);
  if (scope === null) return { key: `greenlight-cli-${randomUUID()}`, source: 'random' };
  const digest = createHash('sha256')
    .update(JSON.stringify(['greenlight-cli/1', scope.source, ...scope.ids, canonicalBody(input.body), input.command]))
    .digest('hex');
  return { key: `greenlight-cli-${digest}`, source: scope.source };
}

/**
 * The key of the n-th request of a run (0 is the first): when the request a key found has already
 * run or ended without a decision (executed, expired, cancelled, revoked, lapsed), the run asks
 * again under the next key, which a later retry will find in turn.
 */
export function nthKey(base: IdempotencyBase, n: number): string {
  return n === 0 ? base.key : `${base.key}~${n}`;
}
