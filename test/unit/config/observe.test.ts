import { describe, expect, it } from 'vitest';
import { parseConfigParts } from '../../../src/config/index.ts';
import { problemsOf } from './problems.ts';

describe('observe config', () => {
  it('leaves /metrics open by default', () => {
    expect(parseConfigParts({}, ['observe'])).toEqual({ METRICS_TOKEN: undefined });
  });

  it('takes a bearer token of 16 characters or more', () => {
    const token = 'a1b2c3d4e5f6a7b8c9d0';
    expect(parseConfigParts({ METRICS_TOKEN: token }, ['observe'])).toEqual({ METRICS_TOKEN: token });
  });

  it('refuses a short token or one with blanks, without showing it', () => {
    expect(problemsOf({ METRICS_TOKEN: 'short-secret' }, ['observe'])).toEqual([
      'METRICS_TOKEN is too short to be a metrics token (12 characters, at least 16 needed; value not shown)',
    ]);
    const [blank] = problemsOf({ METRICS_TOKEN: 'two words secret token' }, ['observe']);
    expect(blank).toBe('METRICS_TOKEN must not contain spaces or other blanks (value not shown)');
    expect(blank).not.toContain('words');
  });
});
