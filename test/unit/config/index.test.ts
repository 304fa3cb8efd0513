import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, ZConfig } from '../../../src/config/index.ts';
import { problemsOf, VALID_SLACK as VALID } from './problems.ts';

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(VALID);
    expect(config).toMatchObject({
      SLACK_API_URL: 'https://slack.com/api/',
      // Unset: resolved at startup (127.0.0.1:6379 if a Redis answers, else a private redis-server).
      REDIS_URL: undefined,
      PORT: 3000,
      LOG_LEVEL: 'info',
      REQUIRED_APPROVALS: 1,
      DEFAULT_TTL_SECONDS: 900,
      APPROVERS: [],
      ADMIN_USER_IDS: [],
      SERVICE_API_KEYS: [],
      DATA_DIR: './.data',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SLACK_APP_TOKEN).toBeUndefined();
    expect(Object.keys(config).sort()).toEqual(Object.keys(ZConfig.shape).sort());
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats empty values as unset', () => {
    const config = parseConfig({ ...VALID, PORT: '', DATABASE_URL: '', SLACK_APP_TOKEN: ' ', APPROVERS: '' });
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SLACK_APP_TOKEN).toBeUndefined();
    expect(config.APPROVERS).toEqual([]);
  });

  it('coerces numbers and splits lists', () => {
    const config = parseConfig({
      ...VALID,
      PORT: '8080',
      APPROVAL_CHANNEL: 'C0APPROVAL',
      APPROVERS: 'U0AAA111, W0BBB222 ,S0GROUP01',
      REQUIRED_APPROVALS: '2',
      ADMIN_USER_IDS: 'U0ADMIN01',
      SERVICE_API_KEYS: 'ci:0123456789abcdef0123456789',
    });
    expect(config.PORT).toBe(8080);
    expect(config.APPROVERS).toEqual(['U0AAA111', 'W0BBB222', 'S0GROUP01']);
    expect(config.REQUIRED_APPROVALS).toBe(2);
    expect(config.SERVICE_API_KEYS).toEqual([{ name: 'ci', secret: '0123456789abcdef0123456789', scope: 'request' }]);
  });

  it('lists every problem of every part at once, checks between variables included, each naming its variable', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      REDIS_URL: 'not a url',
      PORT: 'eighty',
      APPROVERS: 'U0AAA111',
      REQUIRED_APPROVALS: '3',
      LOG_LEVEL: 'loud',
      DEFAULT_TTL_SECONDS: '10',
      DATABASE_POOL_SIZE: '1.5',
      SERVICE_API_KEYS: 'ci:short',
    });
    expect(problems).toEqual([
      'PORT "eighty" is not a number',
      'LOG_LEVEL "loud" is not one of fatal, error, warn, info, debug, trace, silent',
      'DEFAULT_TTL_SECONDS is 10, below MIN_TTL_SECONDS (30)',
      'DATABASE_POOL_SIZE "1.5" is not a whole number',
      'REDIS_URL must be a URL like redis://127.0.0.1:6379 (got "not a url")',
      'SLACK_BOT_TOKEN starts with xoxp-, but must be a bot token starting with xoxb-',
      'SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN is set (Socket Mode)',
      'REQUIRED_APPROVALS is 3 but APPROVERS names only 1',
      'APPROVAL_CHANNEL is required when APPROVERS is set',
      'SERVICE_API_KEYS entry "ci" has a secret of 5 characters; secrets need 24 or more',
    ]);
  });

  it('formats the error as the entry points print it', () => {
    try {
      parseConfig({ ...VALID, PORT: 'x', ROLE: 'boss' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(
        'Invalid configuration:\n  - PORT "x" is not a number\n  - ROLE "boss" is not one of all, web, worker',
      );
    }
  });

  /** Variables whose value a problem may show (secrets are covered below). */
  const SHOWN = Object.keys(ZConfig.shape).filter(
    (name) => !/^SLACK_(BOT_TOKEN|SIGNING_SECRET|APP_TOKEN)$|KEYS$/.test(name),
  );
  const SECRET = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SERVICE_API_KEYS'];
  const badValue = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom('NaN', 'abc', '-1', '1.5', '1e99', 'Infinity', '0x', ' , ,', 'null', 'true', '{}', '99999999999'),
    fc.double().map(String),
    fc.integer().map(String),
  );

  it('never passes zod wording (NaN, expected, Invalid input) on to the user', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SHOWN, ...SECRET), badValue, (name, value) => {
        let problems: string[] = [];
        try {
          parseConfig({ ...VALID, [name]: value });
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          problems = error.problems;
        }
        for (const problem of problems) {
          // Its own problem, or a check between it and another variable.
          expect(problem).toContain(name);
          // The value itself may well be "NaN"; what is said about it may not.
          const said = problem.split(JSON.stringify(value.trim())).join('');
          expect(said).not.toMatch(/NaN|expected|invalid input/i);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never shows a secret', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9_.-]{12,40}$/);
    fc.assert(
      fc.property(secret, secret, secret, secret, (bot, signing, app, key) => {
        let text = '';
        try {
          parseConfig({
            SLACK_BOT_TOKEN: bot,
            SLACK_SIGNING_SECRET: signing.slice(0, 7),
            SLACK_APP_TOKEN: app,
            SERVICE_API_KEYS: `ci:${key.slice(0, 20)},${key}`,
          });
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          text = error.message;
        }
        expect(text).not.toBe('');
        for (const shown of [bot, signing.slice(0, 7), app, key, key.slice(0, 20)]) expect(text).not.toContain(shown);
      }),
    );
  });
});
