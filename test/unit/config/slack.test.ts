import { describe, expect, it } from 'vitest';
import { parseConfigParts } from '../../../src/config/index.ts';
import { problemsOf, VALID_SLACK } from './problems.ts';

const slack = (env: Record<string, string>) => problemsOf({ ...VALID_SLACK, ...env }, ['slack']);

describe('slack config', () => {
  it('requires the bot token and signing secret', () => {
    const secretRequired = 'SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN is set (Socket Mode)';
    expect(problemsOf({}, ['slack'])).toEqual(['SLACK_BOT_TOKEN is required', secretRequired]);
    expect(problemsOf({ SLACK_BOT_TOKEN: ' ', SLACK_SIGNING_SECRET: '' }, ['slack'])).toEqual([
      'SLACK_BOT_TOKEN is required',
      secretRequired,
    ]);
  });

  it('does not require the signing secret in Socket Mode, where nothing arrives over HTTP', () => {
    const config = parseConfigParts({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-abc' }, ['slack']);
    expect(config.SLACK_SIGNING_SECRET).toBeUndefined();
    // A malformed app token is reported as such, not as a missing signing secret.
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'oops' }, ['slack'])).toEqual([
      'SLACK_APP_TOKEN must be an app-level token starting with xapp- (value not shown)',
    ]);
  });

  it('refuses the placeholders of .env.example by name, saying what to put there', () => {
    expect(
      problemsOf({ SLACK_BOT_TOKEN: 'xoxb-your-bot-token', SLACK_SIGNING_SECRET: 'your-signing-secret' }, ['slack']),
    ).toEqual([
      'SLACK_BOT_TOKEN is still the placeholder from .env.example ("xoxb-your-bot-token"): put your Slack app\'s bot token there (OAuth & Permissions → Bot User OAuth Token, xoxb-…)',
      'SLACK_SIGNING_SECRET is still the placeholder from .env.example ("your-signing-secret"): put your Slack app\'s signing secret there (Basic Information → App Credentials), or leave it empty in Socket Mode (with SLACK_APP_TOKEN)',
    ]);
  });

  it('describes a wrong token by its prefix at most, never showing it', () => {
    const problems = slack({
      SLACK_BOT_TOKEN: 'xoxp-1234-secret-user-token',
      SLACK_SIGNING_SECRET: 'q7Zk9',
      SLACK_APP_TOKEN: 'secret-without-prefix',
    });
    expect(problems).toEqual([
      'SLACK_BOT_TOKEN starts with xoxp-, but must be a bot token starting with xoxb-',
      'SLACK_SIGNING_SECRET is too short to be a Slack signing secret (5 characters, at least 8 needed; value not shown)',
      'SLACK_APP_TOKEN must be an app-level token starting with xapp- (value not shown)',
    ]);
    const text = problems.join('\n');
    for (const secret of ['1234-secret-user-token', 'q7Zk9', 'secret-without-prefix'])
      expect(text).not.toContain(secret);
  });

  it('names each bad approver, admin and channel', () => {
    expect(
      slack({ APPROVERS: 'U0AAA111, bob,  C0NOTAUSER', ADMIN_USER_IDS: 'S0GROUP01', APPROVAL_CHANNEL: '#general' }),
    ).toEqual([
      'APPROVAL_CHANNEL "#general" is not a Slack channel id like C0123456789',
      'APPROVERS entry "bob" is not a Slack user id (U…/W…) or user-group id (S…)',
      'APPROVERS entry "C0NOTAUSER" is not a Slack user id (U…/W…) or user-group id (S…)',
      'ADMIN_USER_IDS entry "S0GROUP01" is not a Slack user id (U…/W…)',
    ]);
  });

  it('checks the quorum and the channel against APPROVERS', () => {
    expect(slack({ APPROVERS: 'U0AAA111', REQUIRED_APPROVALS: '2', APPROVAL_CHANNEL: 'C0X1' })).toEqual([
      'REQUIRED_APPROVALS is 2 but APPROVERS names only 1',
    ]);
    expect(slack({ APPROVERS: 'U0AAA111' })).toEqual(['APPROVAL_CHANNEL is required when APPROVERS is set']);
    // A user group may hold any number of people, so N is checked when the group is expanded, not here.
    expect(() =>
      parseConfigParts({ ...VALID_SLACK, APPROVERS: 'S0GROUP01', REQUIRED_APPROVALS: '3', APPROVAL_CHANNEL: 'C0X1' }, [
        'slack',
      ]),
    ).not.toThrow();
  });

  it('reports the checks between variables together with single-variable problems', () => {
    expect(
      problemsOf({ SLACK_SIGNING_SECRET: 'abcdef0123456789', APPROVERS: 'U0AAA111', REQUIRED_APPROVALS: '2' }, [
        'slack',
      ]),
    ).toEqual([
      'SLACK_BOT_TOKEN is required',
      'REQUIRED_APPROVALS is 2 but APPROVERS names only 1',
      'APPROVAL_CHANNEL is required when APPROVERS is set',
    ]);
  });
});
