import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/greenlight/exit-codes.ts';
import { ciScope, idempotencyBase, nthKey } from '../../../src/cli/greenlight/idempotency.ts';
import type { CreateRequestInput } from '../../../src/client/index.ts';

const body: CreateRequestInput = {
  action: 'db.migrate',
  resource: 'prod/main',
  reason: 'release 42',
  requester: { email: 'rita@example.com' },
  environment: 'production',
  context: { ticket: 'OPS-1', sha: 'abc' },
};
const command = ['terraform', 'apply'];
const github = {
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'acme/infra',
  GITHUB_RUN_ID: '1001',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'deploy',
  GITHUB_ACTION: '__run_2',
};
const gitlab = {
  GITLAB_CI: 'true',
  CI_PROJECT_ID: '7',
  CI_PIPELINE_ID: '555',
  CI_JOB_NAME: 'deploy',
  CI_JOB_ID: '9001',
};
const keyOf = (env: Record<string, string>, overrides: Partial<{ body: CreateRequestInput; command: string[] }> = {}) =>
  idempotencyBase({ body, command, explicit: undefined, ...overrides }, env);

describe('the idempotency key of greenlight run', () => {
  it('in GitHub Actions: the same for a retry of the step or a re-run of the job, different for another run or job', () => {
    const first = keyOf(github);
    expect(first.source).toBe('github');
    expect(first.key).toMatch(/^greenlight-cli-[0-9a-f]{64}$/);
    expect(keyOf({ ...github }).key).toBe(first.key);
    // "Re-run jobs" bumps the attempt and keeps the run: still the same request.
    expect(keyOf({ ...github, GITHUB_RUN_ATTEMPT: '2' }).key).toBe(first.key);
    expect(keyOf({ ...github, GITHUB_RUN_ID: '1002' }).key).not.toBe(first.key);
    expect(keyOf({ ...github, GITHUB_JOB: 'other' }).key).not.toBe(first.key);
    expect(keyOf({ ...github, GITHUB_ACTION: '__run_3' }).key).not.toBe(first.key);
    expect(keyOf({ ...github, GITHUB_REPOSITORY: 'acme/other' }).key).not.toBe(first.key);
  });

  it('in GitLab CI: the same across retries of a job (new CI_JOB_ID, same name), different across pipelines', () => {
    const first = keyOf(gitlab);
    expect(first.source).toBe('gitlab');
    expect(keyOf({ ...gitlab, CI_JOB_ID: '9002' }).key).toBe(first.key);
    expect(keyOf({ ...gitlab, CI_PIPELINE_ID: '556' }).key).not.toBe(first.key);
    expect(keyOf({ ...gitlab, CI_JOB_NAME: 'other' }).key).not.toBe(first.key);
  });

  it('depends on every input and the command, but not on the order of --context flags', () => {
    const first = keyOf(github).key;
    expect(keyOf(github, { body: { ...body, context: { sha: 'abc', ticket: 'OPS-1' } } }).key).toBe(first);
    for (const changed of [
      { ...body, action: 'db.drop' },
      { ...body, resource: 'prod/other' },
      { ...body, reason: 'release 43' },
      { ...body, environment: 'staging' },
      { ...body, risk: 'high' as const },
      { ...body, context: { ticket: 'OPS-2', sha: 'abc' } },
      { ...body, requester: { email: 'bob@example.com' } },
      { ...body, ttlSeconds: 60 },
    ]) {
      expect(keyOf(github, { body: changed }).key).not.toBe(first);
    }
    expect(keyOf(github, { command: ['terraform', 'destroy'] }).key).not.toBe(first);
  });

  it('outside a known CI: a random key, so only the client’s own retries of the create reuse it', () => {
    expect(ciScope({ CI: 'true' })).toBeNull();
    const a = keyOf({});
    const b = keyOf({});
    expect(a.source).toBe('random');
    expect(a.key).not.toBe(b.key);
  });

  it('an explicit key wins, as given, and must be visible ASCII of at most 240 characters', () => {
    expect(idempotencyBase({ body, command, explicit: 'deploy-42' }, github)).toEqual({
      key: 'deploy-42',
      source: 'flag',
    });
    for (const bad of ['has space', 'x'.repeat(241), 'é']) {
      expect(() => idempotencyBase({ body, command, explicit: bad }, {})).toThrow(UsageError);
    }
  });

  it('names the next attempts after the first key, within the service’s 255 characters', () => {
    const base = { key: 'x'.repeat(240), source: 'flag' as const };
    expect(nthKey(base, 0)).toBe(base.key);
    expect(nthKey(base, 1)).toBe(`${base.key}~1`);
    expect(nthKey(base, 49).length).toBeLessThanOrEqual(255);
  });
});
