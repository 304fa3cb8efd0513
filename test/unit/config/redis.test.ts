import { describe, expect, it } from 'vitest';
import { parseConfigParts } from '../../../src/config/index.ts';
import { problemsOf } from './problems.ts';

describe('redis config', () => {
  it('leaves REDIS_URL unset when it is not given (resolved at startup: 127.0.0.1:6379, else a private Redis)', () => {
    expect(parseConfigParts({}, ['redis'])).toEqual({
      REDIS_URL: undefined,
      QUEUE_PREFIX: 'greenlight',
      WORKER_CONCURRENCY: 32,
      RECONCILE_INTERVAL_SECONDS: 60,
    });
  });

  it('names each bad value', () => {
    expect(
      problemsOf({ REDIS_URL: 'http//nope', QUEUE_PREFIX: 'gl:prod', WORKER_CONCURRENCY: 'many' }, ['redis']),
    ).toEqual([
      'REDIS_URL must be a URL like redis://127.0.0.1:6379 (got "http//nope")',
      'QUEUE_PREFIX "gl:prod" is not made only of letters, digits, _ and -',
      'WORKER_CONCURRENCY "many" is not a number',
    ]);
  });

  it('hides a Redis password in a bad URL', () => {
    const [problem] = problemsOf({ REDIS_URL: 'http://:s3cret-pass@cache:6379' }, ['redis']);
    expect(problem).toBe('REDIS_URL must be a URL like redis://127.0.0.1:6379 (got "http://:***@cache:6379")');
  });
});
