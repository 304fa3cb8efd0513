import type { BlockKitChecks } from './checks.ts';
import { SlackApiError } from './errors.ts';
import type { PlaygroundStore } from './store.ts';
import type { PlaygroundMessage } from './types.ts';
import { DEMO_BOT, DEMO_TEAM } from './workspace.ts';

export type Handler = (args: Record<string, unknown>) => Record<string, unknown>;

/** Refuses a message Slack would refuse, with Slack's error and its messages. */
export function checkPost(checks: BlockKitChecks, args: Record<string, unknown>): void {
  const message = {
    ...(typeof args.text === 'string' ? { text: args.text } : {}),
    ...(args.blocks === undefined ? {} : { blocks: args.blocks }),
  };
  if (message.text === undefined && message.blocks === undefined) throw new SlackApiError('no_text');
  const result = checks.message(message);
  if (!result.ok) throw new SlackApiError(result.error, result.errors ?? []);
}

function isMetadata(value: unknown): value is PlaygroundMessage['metadata'] {
  return (
    typeof value === 'object' && value !== null && typeof (value as { event_type?: unknown }).event_type === 'string'
  );
}

/** A stored message as Slack's API answers it. */
export function messageAnswer(message: PlaygroundMessage, withMetadata = true): Record<string, unknown> {
  const { channel: _channel, metadata, edited, ...rest } = message;
  return {
    type: 'message',
    ...rest,
    ...(message.user === DEMO_BOT.userId ? { bot_id: DEMO_BOT.botId, app_id: DEMO_BOT.appId } : {}),
    ...(edited ? { edited: { user: DEMO_BOT.userId, ts: message.ts } } : {}),
    ...(withMetadata && metadata !== undefined ? { metadata } : {}),
  };
}

/** chat.* and conversations.* over the store. */
export function messageMethods(store: PlaygroundStore, checks: BlockKitChecks): Record<string, Handler> {
  return {
    'chat.postMessage': (args) => {
      const conversation = store.postable(args.channel);
      checkPost(checks, args);
      const threadTs = typeof args.thread_ts === 'string' && args.thread_ts !== '' ? args.thread_ts : undefined;
      if (threadTs !== undefined) store.message(conversation.id, threadTs);
      const message: PlaygroundMessage = {
        channel: conversation.id,
        ts: store.nextTs(),
        user: DEMO_BOT.userId,
        ...(typeof args.text === 'string' ? { text: args.text } : {}),
        ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        ...(isMetadata(args.metadata) ? { metadata: args.metadata } : {}),
      };
      store.putMessage(message);
      return { channel: conversation.id, ts: message.ts, message: messageAnswer(message) };
    },
    'chat.update': (args) => {
      const conversation = store.conversation(args.channel);
      const existing = store.message(conversation.id, args.ts);
      checkPost(checks, { text: args.text ?? existing.text, blocks: args.blocks ?? existing.blocks });
      const updated: PlaygroundMessage = {
        ...existing,
        edited: true,
        ...(typeof args.text === 'string' ? { text: args.text } : {}),
        ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
        ...(isMetadata(args.metadata) ? { metadata: args.metadata } : {}),
      };
      store.putMessage(updated);
      return { channel: conversation.id, ts: updated.ts, text: updated.text ?? '', message: messageAnswer(updated) };
    },
    'chat.delete': (args) => {
      const conversation = store.conversation(args.channel);
      const existing = store.message(conversation.id, args.ts);
      store.messages.delete(`${conversation.id}/${existing.ts}`);
      store.emit({ kind: 'message', channel: conversation.id, ts: existing.ts });
      return { channel: conversation.id, ts: existing.ts };
    },
    'chat.postEphemeral': (args) => {
      const conversation = store.postable(args.channel);
      const person = store.person(args.user);
      checkPost(checks, args);
      const ts = store.nextTs();
      store.addEphemeral({
        channel: conversation.id,
        ts,
        user: person.id,
        ...(typeof args.text === 'string' ? { text: args.text } : {}),
        ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
        ...(typeof args.thread_ts === 'string' ? { thread_ts: args.thread_ts } : {}),
      });
      return { message_ts: ts };
    },
    'chat.getPermalink': (args) => {
      const conversation = store.conversation(args.channel);
      const message = store.message(conversation.id, args.message_ts);
      return {
        channel: conversation.id,
        permalink: `https://${DEMO_TEAM.domain}.slack.com/archives/${conversation.id}/p${message.ts.replace('.', '')}`,
      };
    },
    'conversations.open': (args) => {
      const users = String(args.users ?? '')
        .split(',')
        .map((user) => user.trim())
        .filter(Boolean);
      if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
      if (users.length > 1) throw new SlackApiError('not_supported', ['the Playground opens DMs with one person']);
      return { channel: { id: store.dmWith(users[0] as string).id } };
    },
    'conversations.history': (args) => {
      const conversation = store.conversation(args.channel);
      const oldest = Number(args.oldest ?? 0);
      const limit = Math.max(1, Math.min(Number(args.limit ?? 100), 999));
      const start = Number(args.cursor ?? 0);
      const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
      const all = store
        .history(conversation.id)
        .filter((m) => Number(m.ts) >= oldest)
        .reverse();
      const page = all.slice(start, start + limit).map((m) => messageAnswer(m, withMetadata));
      const more = start + limit < all.length;
      return { messages: page, has_more: more, response_metadata: { next_cursor: more ? String(start + limit) : '' } };
    },
    'conversations.info': (args) => {
      const conversation = store.conversation(args.channel);
      return {
        channel: {
          id: conversation.id,
          name: conversation.name,
          is_im: conversation.dmWith !== undefined,
          is_member: conversation.botIsMember,
        },
      };
    },
  };
}
