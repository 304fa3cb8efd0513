import { ErrorCode, LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackDouble } from '../../support/slack-double.ts';

// The client logs every refused call; these refusals are the point of the tests.
const quiet = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/** The double is only useful if it refuses what Slack refuses: these run it through the real Web API client. */
describe('Slack test double', () => {
  let slack: SlackDouble;
  let client: WebClient;
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

  beforeAll(async () => {
    slack = await SlackDouble.start();
    slack.addChannel('C0APPROVAL');
    slack.addUser({ id: 'U0ALICE001', name: 'alice', email: 'alice@example.com', tz: 'America/New_York' });
    slack.addUser({ id: 'U0BOB00001', name: 'bob', email: 'bob@example.com' });
    slack.addUsergroup('S0ONCALL01', ['U0ALICE001', 'U0BOB00001']);
    client = new WebClient(slack.botToken, {
      slackApiUrl: slack.url,
      logger: quiet,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
  });
  afterAll(async () => {
    await slack.close();
  });

  async function slackError(promise: Promise<unknown>): Promise<{ code: string; error?: string; messages?: string[] }> {
    try {
      await promise;
    } catch (error) {
      const e = error as { code: string; data?: { error: string; response_metadata?: { messages?: string[] } } };
      return { code: e.code, error: e.data?.error, messages: e.data?.response_metadata?.messages };
    }
    throw new Error('expected the call to fail');
  }

  it('answers auth.test and refuses a wrong token', async () => {
    expect((await client.auth.test()).user_id).toBe(slack.botUserId);
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: slack.url, logger: quiet, retryConfig: { retries: 0 } });
    expect((await slackError(wrong.auth.test())).error).toBe('invalid_auth');
  });

  it('posts, updates and threads messages, and stores them', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0APPROVAL', text: 'card', blocks: [section('hello')] });
    expect(posted.ts).toMatch(/^\d+\.\d{6}$/);
    const updated = await client.chat.update({ channel: 'C0APPROVAL', ts: posted.ts as string, text: 'done' });
    expect(updated.ok).toBe(true);
    expect(slack.messages.get(`C0APPROVAL/${posted.ts}`)?.text).toBe('done');
    const reply = await client.chat.postMessage({ channel: 'C0APPROVAL', thread_ts: posted.ts, text: 'approved' });
    expect(slack.messages.get(`C0APPROVAL/${reply.ts}`)?.thread_ts).toBe(posted.ts);
  });

  it('refuses unknown channels and messages', async () => {
    expect((await slackError(client.chat.postMessage({ channel: 'C0NOWHERE1', text: 'x' }))).error).toBe(
      'channel_not_found',
    );
    expect((await slackError(client.chat.update({ channel: 'C0APPROVAL', ts: '1.000001', text: 'x' }))).error).toBe(
      'message_not_found',
    );
    expect((await slackError(client.chat.postMessage({ channel: 'C0APPROVAL', text: '' }))).error).toBe('no_text');
  });

  it('refuses messages over 50 blocks and section text over 3000 characters', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => section(`b${i}`));
    const many = await slackError(client.chat.postMessage({ channel: 'C0APPROVAL', text: 'x', blocks: tooMany }));
    expect(many.error).toBe('invalid_blocks');
    expect(many.messages?.[0]).toMatch(/no more than 50 items/);

    const fifty = Array.from({ length: 50 }, (_, i) => section(`b${i}`));
    expect((await client.chat.postMessage({ channel: 'C0APPROVAL', text: 'x', blocks: fifty })).ok).toBe(true);

    const long = await slackError(
      client.chat.postMessage({ channel: 'C0APPROVAL', text: 'x', blocks: [section('y'.repeat(3001))] }),
    );
    expect(long.error).toBe('invalid_blocks');
    expect(long.messages?.[0]).toMatch(/\/blocks\/0\/text\/text/);
  });

  it('refuses long headers, button texts and ids', async () => {
    const header = { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } };
    expect(
      (await slackError(client.chat.postMessage({ channel: 'C0APPROVAL', text: 'x', blocks: [header] }))).error,
    ).toBe('invalid_blocks');
    const button = (text: string, actionId = 'approve') => ({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text }, action_id: actionId, style: 'primary' }],
    });
    expect(
      (
        await slackError(
          client.chat.postMessage({ channel: 'C0APPROVAL', text: 'x', blocks: [button('b'.repeat(76))] }),
        )
      ).error,
    ).toBe('invalid_blocks');
    expect(
      (
        await slackError(
          client.chat.postMessage({ channel: 'C0APPROVAL', text: 'x', blocks: [button('ok', 'a'.repeat(256))] }),
        )
      ).error,
    ).toBe('invalid_blocks');
    expect((await client.chat.postMessage({ channel: 'C0APPROVAL', text: 'x', blocks: [button('Approve')] })).ok).toBe(
      true,
    );
  });

  it('refuses modals with a long title, too many blocks or too much private_metadata', async () => {
    const modal = (overrides: Record<string, unknown>) => ({
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Request' },
      blocks: [section('x')],
      ...overrides,
    });
    const title = await slackError(
      client.views.open({
        trigger_id: 't1',
        view: modal({ title: { type: 'plain_text', text: 't'.repeat(25) } }) as never,
      }),
    );
    expect(title.error).toBe('invalid_arguments');
    expect(title.messages?.[0]).toMatch(/\/view\/title\/text/);
    const blocks = Array.from({ length: 101 }, () => section('x'));
    expect((await slackError(client.views.open({ trigger_id: 't2', view: modal({ blocks }) as never }))).error).toBe(
      'invalid_arguments',
    );
    expect(
      (
        await slackError(
          client.views.open({ trigger_id: 't3', view: modal({ private_metadata: 'm'.repeat(3001) }) as never }),
        )
      ).error,
    ).toBe('invalid_arguments');
    expect((await slackError(client.views.open({ trigger_id: '', view: modal({}) as never }))).error).toBe(
      'invalid_trigger_id',
    );
    const opened = await client.views.open({ trigger_id: 't4', view: modal({}) as never });
    expect(opened.view?.id).toMatch(/^V/);
    const updated = await client.views.update({ view_id: opened.view?.id as string, view: modal({}) as never });
    expect(updated.ok).toBe(true);
    expect((await slackError(client.views.update({ view_id: 'V404', view: modal({}) as never }))).error).toBe(
      'not_found',
    );
  });

  it('publishes Home views only for known users, and only of type home', async () => {
    const home = { type: 'home' as const, blocks: [section('hi')] };
    expect((await client.views.publish({ user_id: 'U0ALICE001', view: home })).ok).toBe(true);
    expect(slack.homes.get('U0ALICE001')?.blocks).toEqual(home.blocks);
    expect((await slackError(client.views.publish({ user_id: 'U0NOBODY01', view: home }))).error).toBe(
      'user_not_found',
    );
  });

  it('looks up users, e-mails, user groups and DMs', async () => {
    expect((await client.users.info({ user: 'U0ALICE001' })).user?.tz).toBe('America/New_York');
    expect((await client.users.lookupByEmail({ email: 'BOB@example.com' })).user?.id).toBe('U0BOB00001');
    expect((await slackError(client.users.lookupByEmail({ email: 'nobody@example.com' }))).error).toBe(
      'users_not_found',
    );
    expect((await client.usergroups.users.list({ usergroup: 'S0ONCALL01' })).users).toEqual([
      'U0ALICE001',
      'U0BOB00001',
    ]);
    expect((await slackError(client.usergroups.users.list({ usergroup: 'S0NOPE0001' }))).error).toBe('no_such_subteam');
    const dm = await client.conversations.open({ users: 'U0ALICE001' });
    expect((await client.chat.postMessage({ channel: dm.channel?.id as string, text: 'hi' })).ok).toBe(true);
    expect((await client.chat.postEphemeral({ channel: 'C0APPROVAL', user: 'U0BOB00001', text: 'only you' })).ok).toBe(
      true,
    );
  });

  it('fails on demand like Slack: an error code, then HTTP 429 with Retry-After', async () => {
    slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    expect((await slackError(client.chat.postMessage({ channel: 'C0APPROVAL', text: 'x' }))).error).toBe(
      'not_in_channel',
    );
    slack.failNext('chat.postMessage', { rateLimited: 7 });
    let rateLimited: { code: string; retryAfter: number } | undefined;
    try {
      await client.chat.postMessage({ channel: 'C0APPROVAL', text: 'x' });
    } catch (error) {
      rateLimited = error as { code: string; retryAfter: number };
    }
    expect(rateLimited?.code).toBe(ErrorCode.RateLimitedError);
    expect(rateLimited?.retryAfter).toBe(7);
    expect(slack.callsOf('chat.postMessage').at(-1)?.status).toBe(429);
    // The failure is used up: the next call goes through.
    expect((await client.chat.postMessage({ channel: 'C0APPROVAL', text: 'x' })).ok).toBe(true);
  });

  it('takes a file through filesUploadV2 (upload URL, bytes, completion) and shares it to a DM', async () => {
    const dm = await client.conversations.open({ users: 'U0ALICE001' });
    const content = Buffer.from('{"id":"1"}\n{"id":"2"}\n', 'utf8');
    const result = await client.filesUploadV2({
      channel_id: dm.channel?.id as string,
      file: content,
      filename: 'export.jsonl',
      title: 'Export',
      initial_comment: 'here it is',
    });
    expect(result.ok).toBe(true);
    const [file] = [...slack.files.values()];
    expect(file).toMatchObject({
      filename: 'export.jsonl',
      title: 'Export',
      length: content.length,
      channels: [dm.channel?.id],
      initialComment: 'here it is',
      completed: true,
    });
    expect(file?.content?.equals(content)).toBe(true);
  });

  it('refuses an upload without a length, and completing a file never uploaded', async () => {
    const noLength = await slackError(client.files.getUploadURLExternal({ filename: 'x.csv', length: 0 }));
    expect(noLength.error).toBe('invalid_arguments');
    const started = await client.files.getUploadURLExternal({ filename: 'x.csv', length: 10 });
    expect(started.upload_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/upload\/v1\/F\d+$/);
    const missing = await slackError(
      client.files.completeUploadExternal({ files: [{ id: started.file_id as string }], channel_id: 'C0APPROVAL' }),
    );
    expect(missing.error).toBe('file_not_found');
    const unknownChannel = await slackError(
      client.files.completeUploadExternal({ files: [{ id: started.file_id as string }], channel_id: 'C0NOWHERE1' }),
    );
    expect(unknownChannel.error).toBe('channel_not_found');
  });
});
