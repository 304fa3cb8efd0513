import { describe, expect, it } from 'vitest';
import { parseConfigParts } from '../../../src/config/index.ts';
import { problemsOf } from './problems.ts';

const core = (env: Record<string, string>) => problemsOf(env, ['core']);

describe('core config', () => {
  it('needs nothing: every variable has a default', () => {
    expect(parseConfigParts({}, ['core'])).toEqual({
      NODE_ENV: 'production',
      PORT: 3000,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      ROLE: 'all',
      SHUTDOWN_TIMEOUT_MS: 8000,
      DEFAULT_TTL_SECONDS: 900,
      MIN_TTL_SECONDS: 30,
      MAX_TTL_SECONDS: 86400,
    });
  });

  it('says whether a number is not a number, not whole, or out of range, naming the value and the range', () => {
    expect(core({ PORT: 'abc' })).toEqual(['PORT "abc" is not a number']);
    expect(core({ PORT: '80.5' })).toEqual(['PORT "80.5" is not a whole number']);
    expect(core({ PORT: '70000' })).toEqual(['PORT "70000" is out of range (0–65535)']);
    expect(core({ SHUTDOWN_TIMEOUT_MS: '-1' })).toEqual(['SHUTDOWN_TIMEOUT_MS "-1" is out of range (100–60000)']);
    expect(parseConfigParts({ PORT: ' 8080 ' }, ['core']).PORT).toBe(8080);
  });

  it('lists the allowed words of an enum', () => {
    expect(core({ LOG_LEVEL: 'loud' })).toEqual([
      'LOG_LEVEL "loud" is not one of fatal, error, warn, info, debug, trace, silent',
    ]);
    expect(core({ ROLE: 'Web' })).toEqual(['ROLE "Web" is not one of all, web, worker']);
    expect(core({ NODE_ENV: 'prod' })).toEqual(['NODE_ENV "prod" is not one of development, production, test']);
  });

  it('checks the default time-to-decide against the limits, naming both values', () => {
    expect(core({ DEFAULT_TTL_SECONDS: '7200', MAX_TTL_SECONDS: '3600' })).toEqual([
      'DEFAULT_TTL_SECONDS is 7200, above MAX_TTL_SECONDS (3600)',
    ]);
    expect(core({ DEFAULT_TTL_SECONDS: '20' })).toEqual(['DEFAULT_TTL_SECONDS is 20, below MIN_TTL_SECONDS (30)']);
  });

  it('runs the checks between variables alongside single-variable problems', () => {
    expect(
      core({ PORT: 'eighty', DEFAULT_TTL_SECONDS: '7200', MAX_TTL_SECONDS: '3600', MIN_TTL_SECONDS: 'x' }),
    ).toEqual([
      'PORT "eighty" is not a number',
      'MIN_TTL_SECONDS "x" is not a number',
      'DEFAULT_TTL_SECONDS is 7200, above MAX_TTL_SECONDS (3600)',
    ]);
  });
});
