import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/index.ts';
import {
  isLoopbackHost,
  type PlaygroundSlack,
  parsePlaygroundConfig,
  playgroundHostProblem,
  wantsPlayground,
} from '../../../src/config/playground.ts';

const SLACK: PlaygroundSlack = {
  apiUrl: 'http://127.0.0.1:9/api/',
  botToken: 'xoxb-playground-0123456789',
  signingSecret: 'a'.repeat(64),
  approvalChannel: 'C0APPROVAL',
  approvers: ['S0APPROVRS'],
  admins: ['U0SAM00001'],
};

describe('the Playground settings', () => {
  it('is wanted only when no Slack setting is set (empty counts as unset)', () => {
    expect(wantsPlayground({})).toBe(true);
    expect(wantsPlayground({ SLACK_BOT_TOKEN: '  ', SLACK_SIGNING_SECRET: '' })).toBe(true);
    expect(wantsPlayground({ SLACK_BOT_TOKEN: 'xoxb-1' })).toBe(false);
    expect(wantsPlayground({ SLACK_SIGNING_SECRET: 'secret' })).toBe(false);
    expect(wantsPlayground({ SLACK_APP_TOKEN: 'xapp-1' })).toBe(false);
  });

  it('knows loopback addresses and names', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', 'localhost.example.com']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('refuses an explicit non-loopback HOST, naming the Slack settings; unset or loopback is fine', () => {
    expect(playgroundHostProblem({})).toBeUndefined();
    expect(playgroundHostProblem({ HOST: '127.0.0.1' })).toBeUndefined();
    const problem = playgroundHostProblem({ HOST: '0.0.0.0' });
    expect(problem).toContain('HOST is "0.0.0.0", not a loopback address');
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN']) expect(problem).toContain(name);
  });

  it('listens on loopback when HOST is unset, and routes to the demo workspace', () => {
    const config = parsePlaygroundConfig({ APPROVERS: 'U0REALWORK' }, SLACK);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.SLACK_API_URL).toBe(SLACK.apiUrl);
    expect(config.APPROVERS).toEqual(['S0APPROVRS']);
    expect(config.ADMIN_USER_IDS).toEqual(['U0SAM00001']);
  });

  it('DMs approvers (available ones first) unless APPROVER_DMS says otherwise, so Away and DND show', () => {
    expect(parsePlaygroundConfig({}, SLACK).APPROVER_DMS).toBe(true);
    expect(parsePlaygroundConfig({ APPROVER_DMS: 'false' }, SLACK).APPROVER_DMS).toBe(false);
  });

  it('lists the HOST problem with every other problem of the environment at once', () => {
    let error: unknown;
    try {
      parsePlaygroundConfig({ HOST: '0.0.0.0', PORT: 'abc', REDIS_URL: 'nope' }, SLACK);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems[0]).toContain('HOST is "0.0.0.0"');
    expect(problems.some((p) => p.startsWith('PORT '))).toBe(true);
    expect(problems.some((p) => p.startsWith('REDIS_URL '))).toBe(true);
  });
});
