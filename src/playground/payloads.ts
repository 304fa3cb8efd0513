import { z } from 'zod';
import type { PlaygroundStore } from './slack-api/store.ts';
import type { PlaygroundView } from './slack-api/types.ts';
import { DEMO_BOT, DEMO_TEAM, type DemoPerson } from './slack-api/workspace.ts';

/**
 * What the browser may send: what was pressed, chosen or typed, never a payload. The server builds
 * the payload Slack would send from it, as the demo person the browser names (and only as one).
 */
const ZOption = z.object({ text: z.unknown(), value: z.string().max(2000) }).passthrough();
export const ZAction = z
  .object({
    action_id: z.string().min(1).max(255),
    block_id: z.string().min(1).max(255),
    type: z.string().min(1).max(40),
    text: z.unknown().optional(),
    style: z.string().max(20).optional(),
    value: z.string().max(2000).optional(),
    selected_option: ZOption.nullable().optional(),
    selected_options: z.array(ZOption).max(100).optional(),
    selected_user: z.string().max(40).nullable().optional(),
    selected_users: z.array(z.string().max(40)).max(100).optional(),
    selected_channel: z.string().max(40).nullable().optional(),
    selected_channels: z.array(z.string().max(40)).max(100).optional(),
    selected_conversation: z.string().max(40).nullable().optional(),
    selected_conversations: z.array(z.string().max(40)).max(100).optional(),
    selected_date: z.string().max(20).nullable().optional(),
    selected_time: z.string().max(20).nullable().optional(),
    selected_date_time: z.number().int().nullable().optional(),
    timezone: z.string().max(60).optional(),
    action_ts: z.string().max(40).optional(),
  })
  .strict();
export type TAction = z.infer<typeof ZAction>;

/** view.state.values as Slack sends it: block id → action id → the element's value. */
export const ZStateValues = z.record(
  z.string().max(255),
  z.record(z.string().max(255), z.record(z.string(), z.unknown())),
);

const ZPersonId = z.string().regex(/^U[A-Z0-9]{2,}$/);
const ZMessageRef = z.object({ type: z.literal('message'), channel: z.string().max(40), ts: z.string().max(40) });
const ZEphemeralRef = z.object({ type: z.literal('ephemeral'), channel: z.string().max(40), ts: z.string().max(40) });
const ZViewRef = z.object({ type: z.literal('view'), view_id: z.string().max(40) });

export const ZInteraction = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('block_actions'),
    as: ZPersonId,
    container: z.discriminatedUnion('type', [ZMessageRef, ZEphemeralRef, ZViewRef]),
    action: ZAction,
    state: ZStateValues.optional(),
  }),
  z.object({ kind: z.literal('view_submission'), as: ZPersonId, view_id: z.string().max(40), state: ZStateValues }),
  z.object({
    kind: z.literal('view_closed'),
    as: ZPersonId,
    view_id: z.string().max(40),
    state: ZStateValues.optional(),
  }),
  z.object({
    kind: z.literal('block_suggestion'),
    as: ZPersonId,
    container: z.discriminatedUnion('type', [ZMessageRef, ZViewRef]),
    action_id: z.string().min(1).max(255),
    block_id: z.string().min(1).max(255),
    value: z.string().max(200),
  }),
  z.object({ kind: z.literal('app_home_opened'), as: ZPersonId }),
  z.object({
    kind: z.literal('command'),
    as: ZPersonId,
    channel: z.string().max(40),
    // "/request-action db.drop prod" as typed in the message box.
    text: z.string().trim().min(1).max(4000),
  }),
]);
export type TInteraction = z.infer<typeof ZInteraction>;

/** The `user`, `team` and envelope fields every interactivity payload carries. */
function envelope(person: DemoPerson, store: PlaygroundStore) {
  return {
    team: { id: DEMO_TEAM.id, domain: DEMO_TEAM.domain },
    user: {
      id: person.id,
      username: person.name.toLowerCase(),
      name: person.name.toLowerCase(),
      team_id: DEMO_TEAM.id,
    },
    api_app_id: DEMO_BOT.appId,
    token: 'playground-verification-token',
    trigger_id: store.issueTrigger(person.id),
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** The view as a payload carries it: what the stand-in holds, with the state the browser read. */
function viewPayload(store: PlaygroundStore, view: PlaygroundView, state?: Record<string, unknown>) {
  return store.viewAnswer(view, state);
}

/** A `block_actions` payload for an element pressed in a message, an ephemeral, a modal or App Home. */
export function blockActionsPayload(
  store: PlaygroundStore,
  person: DemoPerson,
  where:
    | { message: { channel: string; ts: string; is_ephemeral: boolean; text?: string; blocks?: unknown[] } }
    | { view: PlaygroundView; state?: Record<string, unknown> },
  action: TAction,
): Record<string, unknown> {
  const act = { ...action, action_ts: action.action_ts ?? `${(Date.now() / 1000).toFixed(6)}` };
  if ('message' in where) {
    const { message } = where;
    const channel = store.conversation(message.channel);
    return {
      type: 'block_actions',
      ...envelope(person, store),
      container: {
        type: 'message',
        message_ts: message.ts,
        channel_id: channel.id,
        is_ephemeral: message.is_ephemeral,
      },
      channel: { id: channel.id, name: channel.dmWith === undefined ? channel.name : 'directmessage' },
      message: {
        type: 'message',
        ts: message.ts,
        user: DEMO_BOT.userId,
        bot_id: DEMO_BOT.botId,
        ...(message.text === undefined ? {} : { text: message.text }),
        ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
      },
      state: { values: {} },
      response_url: `https://hooks.slack.com/actions/${DEMO_TEAM.id}/playground/none`,
      actions: [act],
    };
  }
  const { view } = where;
  const isHome = view.view.type === 'home';
  return {
    type: 'block_actions',
    ...envelope(person, store),
    container: isHome ? { type: 'view', view_id: view.id } : { type: 'view', view_id: view.id },
    view: viewPayload(store, view, where.state),
    actions: [act],
  };
}

export function viewSubmissionPayload(
  store: PlaygroundStore,
  person: DemoPerson,
  view: PlaygroundView,
  state: Record<string, unknown>,
): Record<string, unknown> {
  return {
    type: 'view_submission',
    ...envelope(person, store),
    view: viewPayload(store, view, state),
    response_urls: [],
  };
}

export function viewClosedPayload(
  store: PlaygroundStore,
  person: DemoPerson,
  view: PlaygroundView,
  state: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const { trigger_id: _trigger, ...rest } = envelope(person, store);
  return { type: 'view_closed', ...rest, view: viewPayload(store, view, state), is_cleared: false };
}

export function blockSuggestionPayload(
  store: PlaygroundStore,
  person: DemoPerson,
  where: { view: PlaygroundView } | { channel: string; ts: string },
  field: { action_id: string; block_id: string; value: string },
): Record<string, unknown> {
  const { trigger_id: _trigger, ...rest } = envelope(person, store);
  return {
    type: 'block_suggestion',
    ...rest,
    ...field,
    ...('view' in where
      ? { container: { type: 'view', view_id: where.view.id }, view: viewPayload(store, where.view) }
      : {
          container: { type: 'message', message_ts: where.ts, channel_id: where.channel },
          channel: { id: where.channel },
        }),
  };
}

/** A slash command as Slack posts it (form fields), from what was typed: `/command rest of text`. */
export function slashCommandForm(
  store: PlaygroundStore,
  person: DemoPerson,
  channel: { id: string; name: string },
  typed: string,
): URLSearchParams {
  const space = typed.search(/\s/);
  const command = space === -1 ? typed : typed.slice(0, space);
  const text = space === -1 ? '' : typed.slice(space + 1).trim();
  return new URLSearchParams({
    token: 'playground-verification-token',
    team_id: DEMO_TEAM.id,
    team_domain: DEMO_TEAM.domain,
    channel_id: channel.id,
    channel_name: channel.name,
    user_id: person.id,
    user_name: person.name.toLowerCase(),
    command,
    text,
    api_app_id: DEMO_BOT.appId,
    is_enterprise_install: 'false',
    response_url: `https://hooks.slack.com/commands/${DEMO_TEAM.id}/playground/none`,
    trigger_id: store.issueTrigger(person.id),
  });
}

/** The Events API callback Slack sends when a person opens the app's Home tab. */
export function appHomeOpenedEvent(
  store: PlaygroundStore,
  person: DemoPerson,
  home: PlaygroundView | undefined,
): Record<string, unknown> {
  const now = Date.now() / 1000;
  return {
    token: 'playground-verification-token',
    team_id: DEMO_TEAM.id,
    api_app_id: DEMO_BOT.appId,
    type: 'event_callback',
    event_id: store.nextId('Ev'),
    event_time: Math.floor(now),
    authorizations: [{ team_id: DEMO_TEAM.id, user_id: DEMO_BOT.userId, is_bot: true, is_enterprise_install: false }],
    event: {
      type: 'app_home_opened',
      user: person.id,
      channel: store.dmWith(person.id).id,
      tab: 'home',
      event_ts: now.toFixed(6),
      ...(home === undefined ? {} : { view: store.viewAnswer(home) }),
    },
  };
}
