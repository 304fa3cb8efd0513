import { request } from 'node:http';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { interact } from '../../../../src/playground/interactions.ts';
import { checkMessage, checkView } from '../../../../src/playground/render/index.ts';
import { type SlackStandIn, startSlackStandIn } from '../../../../src/playground/slack-api/server.ts';
import { PlaygroundStore, TRIGGER_LIFETIME_MS } from '../../../../src/playground/slack-api/store.ts';

const RITA = 'U0RITA0001';
const ANA = 'U0ANA00001';
const CARD = [{ type: 'section', text: { type: 'mrkdwn', text: 'A card' } }];
/** Slack's client logs every refusal; the refusals are what these tests expect. */
const QUIET = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => 'error' as never,
  setName() {},
};
const MODAL = { type: 'modal', title: { type: 'plain_text', text: 'Hello' }, blocks: CARD };

/** What a Web API call answered: the answer, or Slack's error code and messages. */
async function answer(call: Promise<unknown>): Promise<{ error?: string; messages?: string[] }> {
  try {
    await call;
    return {};
  } catch (error) {
    const data = (error as { data?: { error?: string; response_metadata?: { messages?: string[] } } }).data;
    return {
      ...(data?.error ? { error: data.error } : {}),
      ...(data?.response_metadata?.messages ? { messages: data.response_metadata.messages } : {}),
    };
  }
}

describe('the Playground stand-in for Slack’s Web API', () => {
  let now = Date.parse('2026-12-07T10:00:00Z');
  let standIn: SlackStandIn;
  let client: WebClient;
  beforeEach(async () => {
    standIn = await startSlackStandIn({ message: checkMessage, view: checkView }, new PlaygroundStore(() => now));
    client = new WebClient(standIn.botToken, { slackApiUrl: standIn.url, retryConfig: { retries: 0 }, logger: QUIET });
  });
  afterEach(async () => {
    await standIn.close();
  });

  it('answers auth.test for its own token only', async () => {
    expect((await client.auth.test()).user_id).toBe('U0GREENLGT');
    const stranger = new WebClient('xoxb-someone-else', {
      slackApiUrl: standIn.url,
      retryConfig: { retries: 0 },
      logger: QUIET,
    });
    expect(await answer(stranger.auth.test())).toEqual({ error: 'invalid_auth' });
  });

  it('posts to channels, refuses unknown ones and those the bot is not in, and opens DMs by user id', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0APPROVAL', text: 'card', blocks: CARD });
    expect(posted.channel).toBe('C0APPROVAL');
    expect(await answer(client.chat.postMessage({ channel: 'C0NOWHERE1', text: 'x' }))).toEqual({
      error: 'channel_not_found',
    });
    expect(await answer(client.chat.postMessage({ channel: 'C0GENERAL1', text: 'x' }))).toEqual({
      error: 'not_in_channel',
    });
    const dm = await client.chat.postMessage({ channel: RITA, text: 'hello' });
    const opened = await client.conversations.open({ users: RITA });
    expect(opened.channel?.id).toBe(dm.channel);
    expect(await answer(client.conversations.open({ users: 'U0NOBODY01' }))).toEqual({ error: 'user_not_found' });
  });

  it('updates a message in place, and lists history newest first', async () => {
    const first = await client.chat.postMessage({ channel: 'C0APPROVAL', text: 'one' });
    await client.chat.postMessage({ channel: 'C0APPROVAL', text: 'two' });
    await client.chat.update({ channel: 'C0APPROVAL', ts: first.ts as string, text: 'one, decided' });
    const history = await client.conversations.history({ channel: 'C0APPROVAL' });
    expect(history.messages?.map((m) => m.text)).toEqual(['two', 'one, decided']);
    expect(await answer(client.chat.update({ channel: 'C0APPROVAL', ts: '1.000001', text: 'x' }))).toEqual({
      error: 'message_not_found',
    });
  });

  it('refuses what Slack refuses: 51 blocks in a message, with Slack’s message', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ ...CARD[0] })) as never;
    const refused = await answer(client.chat.postMessage({ channel: 'C0APPROVAL', text: 'x', blocks }));
    expect(refused.error).toBe('invalid_blocks');
    expect(refused.messages?.join('\n')).toContain('[ERROR]');
    expect(standIn.store.history('C0APPROVAL')).toHaveLength(0);
  });

  it('keeps ephemerals for their person only', async () => {
    await client.chat.postEphemeral({ channel: 'C0APPROVAL', user: RITA, text: 'only Rita' });
    expect(standIn.store.ephemerals.map((e) => e.user)).toEqual([RITA]);
    expect(await answer(client.chat.postEphemeral({ channel: 'C0APPROVAL', user: 'U0NOBODY01', text: 'x' }))).toEqual({
      error: 'user_not_found',
    });
  });

  it('opens modals only with a live trigger id of the person who acted, and updates only views that exist', async () => {
    expect(await answer(client.views.open({ trigger_id: 'made-up', view: MODAL as never }))).toEqual({
      error: 'invalid_trigger_id',
    });
    const trigger = standIn.store.issueTrigger(RITA);
    const opened = await client.views.open({ trigger_id: trigger, view: MODAL as never });
    expect(standIn.store.modalStack(RITA).map((v) => v.id)).toEqual([opened.view?.id]);
    expect(standIn.store.modalStack(ANA)).toEqual([]);
    now += TRIGGER_LIFETIME_MS + 1;
    expect(await answer(client.views.open({ trigger_id: trigger, view: MODAL as never }))).toEqual({
      error: 'expired_trigger_id',
    });
    expect(await answer(client.views.update({ view_id: 'V0NOTTHERE', view: MODAL as never }))).toEqual({
      error: 'view_not_found',
    });
    const home = await answer(client.views.publish({ user_id: RITA, view: MODAL as never }));
    expect(home.error).toBe('invalid_arguments');
  });

  it('answers presence and Do Not Disturb as set from the page', async () => {
    standIn.store.setPresence(ANA, 'away');
    standIn.store.setDnd(ANA, 30);
    expect((await client.users.getPresence({ user: ANA })).presence).toBe('away');
    expect((await client.dnd.info({ user: ANA })).dnd_enabled).toBe(true);
    expect((await client.users.getPresence({ user: RITA })).presence).toBe('active');
    expect((await client.dnd.info({ user: RITA })).dnd_enabled).toBe(false);
  });

  it('takes a file upload (filesUploadV2), shares it in the DM with a link, and serves it there', async () => {
    const dm = await client.conversations.open({ users: RITA });
    await client.filesUploadV2({
      channel_id: dm.channel?.id as string,
      file: Buffer.from('id,action\n1,deploy\n'),
      filename: 'audit.csv',
      initial_comment: 'Your export',
    });
    const shared = standIn.store.history(dm.channel?.id as string).at(-1);
    expect(shared?.text).toContain('Your export');
    const link = /<(http:\/\/127\.0\.0\.1:\d+\/files\/F\d+)\|audit\.csv>/.exec(shared?.text ?? '')?.[1];
    expect(link).toBeDefined();
    const download = await fetch(link as string);
    expect(await download.text()).toBe('id,action\n1,deploy\n');
    // A page elsewhere whose name resolves to 127.0.0.1 (DNS rebinding) sends its own name: refused.
    const url = new URL(link as string);
    const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      // node:http sends the Host header it is given (fetch sends its own).
      request(
        { host: url.hostname, port: url.port, path: url.pathname, headers: { host: `attacker.example:${url.port}` } },
        (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += String(chunk);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      )
        .on('error', reject)
        .end();
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('deploy');
  });

  it('lets the browser act only as a demo person, on what that person sees', async () => {
    const bolt = { url: 'http://127.0.0.1:9/slack/events', signingSecret: 'unused: nothing is posted' };
    const trigger = standIn.store.issueTrigger(RITA);
    const opened = await client.views.open({ trigger_id: trigger, view: MODAL as never });
    const viewId = opened.view?.id as string;
    // Ana cannot submit or close Rita's modal.
    expect(
      await interact(standIn.store, bolt, { kind: 'view_submission', as: ANA, view_id: viewId, state: {} }),
    ).toEqual({
      ok: false,
      error: 'view_not_found',
      status: 404,
    });
    expect(await interact(standIn.store, bolt, { kind: 'view_closed', as: 'U0NOBODY01', view_id: viewId })).toEqual({
      ok: false,
      error: 'not a demo person',
      status: 403,
    });
    // Ana does not see Rita's DM.
    const dm = await client.chat.postMessage({ channel: RITA, text: 'yours' });
    const press = {
      kind: 'block_actions' as const,
      as: ANA,
      container: { type: 'message' as const, channel: dm.channel as string, ts: dm.ts as string },
      action: { action_id: 'a', block_id: 'b', type: 'button' },
    };
    expect(await interact(standIn.store, bolt, press)).toEqual({ ok: false, error: 'channel_not_found', status: 404 });
  });
});
