import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { slackStartupError } from '../../../src/slack/connect-errors.ts';

const bot = { method: 'auth.test', token: 'SLACK_BOT_TOKEN', apiUrl: 'https://slack.example/api/' } as const;
const app = {
  method: 'apps.connections.open',
  token: 'SLACK_APP_TOKEN',
  apiUrl: 'https://slack.example/api/',
} as const;

describe('Slack startup errors', () => {
  it('an unreachable API names SLACK_API_URL with the URL and the network reason', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const error = slackStartupError(new WebAPIRequestError(new TypeError('fetch failed', { cause: refused })), bot);
    expect(error).toMatchObject({ setting: 'SLACK_API_URL' });
    expect(error.message).toBe(
      "Slack is unreachable at SLACK_API_URL=https://slack.example/api/ (auth.test): connection refused (nothing listens there) — check the URL, and this machine's network and proxy",
    );
  });

  it('an HTTP error asks whether SLACK_API_URL is the Web API', () => {
    const error = slackStartupError(new WebAPIHTTPError(404, 'Not Found', {}), bot);
    expect(error).toMatchObject({ setting: 'SLACK_API_URL' });
    expect(error.message).toMatch(/answered HTTP 404 to auth.test: is it Slack's Web API/);
  });

  it('a refused token names the token setting and where to get a new one', () => {
    expect(slackStartupError(new WebAPIPlatformError({ ok: false, error: 'token_revoked' }), app)).toMatchObject({
      setting: 'SLACK_APP_TOKEN',
      message: expect.stringMatching(/^Slack refused SLACK_APP_TOKEN \(token_revoked\): generate an app-level token/),
    });
    expect(slackStartupError(new WebAPIPlatformError({ ok: false, error: 'invalid_auth' }), bot)).toMatchObject({
      setting: 'SLACK_BOT_TOKEN',
      message: expect.stringMatching(/^Slack refused SLACK_BOT_TOKEN \(invalid_auth\): copy the Bot User OAuth Token/),
    });
  });

  it('other Slack errors still name the token, a rate limit says when to retry, anything else passes through', () => {
    expect(slackStartupError(new WebAPIPlatformError({ ok: false, error: 'fatal_error' }), bot).message).toBe(
      'Slack answered auth.test with the error fatal_error (SLACK_BOT_TOKEN, SLACK_API_URL)',
    );
    expect(slackStartupError(new WebAPIRateLimitedError(30), bot).message).toBe(
      'Slack rate-limited auth.test at startup; start again in 30 s',
    );
    const other = new Error('something else');
    expect(slackStartupError(other, bot)).toBe(other);
  });
});
