import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';

const VALID = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'abcdef0123456789' };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(VALID);
    expect(config).toMatchObject({
      SLACK_API_URL: 'https://slack.com/api/',
      REDIS_URL: 'redis://127.0.0.1:6379',
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
      SERVICE_API_KEYS: 'ci:0123456789abcdef0123456789,deploy-bot:zyxwvutsrqponmlkjihgfedcba:with:colons',
    });
    expect(config.PORT).toBe(8080);
    expect(config.APPROVERS).toEqual(['U0AAA111', 'W0BBB222', 'S0GROUP01']);
    expect(config.REQUIRED_APPROVALS).toBe(2);
    expect(config.SERVICE_API_KEYS).toEqual([
      { name: 'ci', secret: '0123456789abcdef0123456789' },
      { name: 'deploy-bot', secret: 'zyxwvutsrqponmlkjihgfedcba:with:colons' },
    ]);
  });

  it('lists every problem at once, each naming its variable', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      REDIS_URL: 'not a url',
      PORT: 'eighty',
      APPROVERS: 'bob',
      LOG_LEVEL: 'loud',
    });
    const named = problems.map((problem) => problem.split(' ')[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
        'REDIS_URL',
        'PORT',
        'APPROVERS',
        'LOG_LEVEL',
      ]),
    );
    expect(problems.find((p) => p.startsWith('SLACK_SIGNING_SECRET'))).toBe('SLACK_SIGNING_SECRET is required');
    expect(problems.find((p) => p.startsWith('REDIS_URL'))).toMatch(/redis:\/\//);
  });

  it('checks settings against each other', () => {
    expect(problemsOf({ ...VALID, APPROVERS: 'U0AAA111', REQUIRED_APPROVALS: '2', APPROVAL_CHANNEL: 'C0X1' })).toEqual([
      'REQUIRED_APPROVALS is 2 but APPROVERS names only 1',
    ]);
    expect(problemsOf({ ...VALID, APPROVERS: 'U0AAA111' })).toEqual([
      'APPROVAL_CHANNEL is required when APPROVERS is set',
    ]);
    expect(problemsOf({ ...VALID, DEFAULT_TTL_SECONDS: '7200', MAX_TTL_SECONDS: '3600' })).toEqual([
      'DEFAULT_TTL_SECONDS must not exceed MAX_TTL_SECONDS',
    ]);
    // A user group may hold any number of people, so N is checked when the group is expanded, not here.
    expect(() =>
      parseConfig({ ...VALID, APPROVERS: 'S0GROUP01', REQUIRED_APPROVALS: '3', APPROVAL_CHANNEL: 'C0X1' }),
    ).not.toThrow();
  });

  it('rejects weak or malformed API keys', () => {
    expect(problemsOf({ ...VALID, SERVICE_API_KEYS: 'ci:short' })[0]).toMatch(/^SERVICE_API_KEYS .*24\+ characters/);
    expect(
      problemsOf({ ...VALID, SERVICE_API_KEYS: 'ci:0123456789abcdef0123456789,ci:abcdefghijklmnopqrstuvwxyz' })[0],
    ).toBe('SERVICE_API_KEYS service names must be unique');
  });
});
