import { EventEmitter } from 'node:events';
import { SlackApiError } from './errors.ts';
import type {
  Conversation,
  DndState,
  EphemeralMessage,
  PlaygroundChange,
  PlaygroundMessage,
  PlaygroundView,
} from './types.ts';
import { messageTs } from './wire.ts';
import {
  DEMO_BOT,
  DEMO_CHANNELS,
  DEMO_GROUP,
  DEMO_PEOPLE,
  type DemoChannel,
  type DemoPerson,
  demoPerson,
} from './workspace.ts';

/** How long a trigger id may open a modal: Slack says 3 seconds; a loaded trial machine gets more. */
export const TRIGGER_LIFETIME_MS = 30_000;

/** A channel the bot was never invited to: posting there answers not_in_channel, as in Slack. */
export const UNINVITED_CHANNEL: DemoChannel = { id: 'C0GENERAL1', name: 'general' };

/**
 * The demo workspace's state, in memory: conversations, messages and threads, ephemerals, views,
 * trigger ids, presence and DND. It lives as long as the process: the Playground is a trial, and
 * everything that matters (requests, votes, audit) is in PostgreSQL; a card lost with a restart is
 * re-posted by the app's own repair (chat.update answers message_not_found, as for a deleted card).
 */
export class PlaygroundStore {
  readonly conversations = new Map<string, Conversation>();
  readonly messages = new Map<string, PlaygroundMessage>();
  ephemerals: EphemeralMessage[] = [];
  readonly views = new Map<string, PlaygroundView>();
  /** Open modal stack per person, bottom first (view ids). */
  readonly modals = new Map<string, string[]>();
  readonly homes = new Map<string, string>();
  readonly presence = new Map<string, 'active' | 'away'>();
  readonly dnd = new Map<string, DndState>();
  private readonly triggers = new Map<string, { user: string; at: number }>();
  private readonly events = new EventEmitter();
  private counter = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.events.setMaxListeners(0);
    this.reset();
  }

  /** Forgets every message, view and state and starts from the demo workspace again. */
  reset(): void {
    this.conversations.clear();
    this.messages.clear();
    this.ephemerals = [];
    this.views.clear();
    this.modals.clear();
    this.homes.clear();
    this.presence.clear();
    this.dnd.clear();
    this.triggers.clear();
    for (const channel of DEMO_CHANNELS) this.conversations.set(channel.id, { ...channel, botIsMember: true });
    this.conversations.set(UNINVITED_CHANNEL.id, { ...UNINVITED_CHANNEL, botIsMember: false });
    this.emit({ kind: 'reset' });
  }

  onChange(listener: (change: PlaygroundChange) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  emit(change: PlaygroundChange): void {
    this.events.emit('change', change);
  }

  nextTs(): string {
    this.counter += 1;
    return messageTs(this.now(), this.counter);
  }

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${String(this.counter).padStart(10, '0')}`;
  }

  // ── people ──

  person(id: unknown): DemoPerson {
    const person = demoPerson(String(id ?? ''));
    if (person === undefined) throw new SlackApiError('user_not_found');
    return person;
  }

  groupMembers(id: unknown): string[] {
    if (String(id ?? '') !== DEMO_GROUP.id) throw new SlackApiError('no_such_subteam');
    return [...DEMO_GROUP.members];
  }

  // ── conversations ──

  /** The DM between the bot and `user`, opened on first use (Slack answers the same id every time). */
  dmWith(user: string): Conversation {
    const person = this.person(user);
    const id = `D0${person.id.slice(2)}`;
    let dm = this.conversations.get(id);
    if (dm === undefined) {
      dm = { id, name: person.name, dmWith: person.id, botIsMember: true };
      this.conversations.set(id, dm);
    }
    return dm;
  }

  /** Where a post to `channel` lands: a channel, a DM by id, or a user id (the DM with them, as Slack does). */
  conversation(channel: unknown): Conversation {
    const id = String(channel ?? '');
    if (demoPerson(id) !== undefined) return this.dmWith(id);
    const found = this.conversations.get(id);
    if (found === undefined) throw new SlackApiError('channel_not_found');
    return found;
  }

  /** A conversation the bot may post in. */
  postable(channel: unknown): Conversation {
    const conversation = this.conversation(channel);
    if (!conversation.botIsMember) throw new SlackApiError('not_in_channel');
    return conversation;
  }

  message(channel: string, ts: unknown): PlaygroundMessage {
    const found = this.messages.get(`${channel}/${String(ts ?? '')}`);
    if (found === undefined) throw new SlackApiError('message_not_found');
    return found;
  }

  putMessage(message: PlaygroundMessage): void {
    this.messages.set(`${message.channel}/${message.ts}`, message);
    this.emit({
      kind: 'message',
      channel: message.channel,
      ts: message.ts,
      ...(message.thread_ts === undefined ? {} : { thread_ts: message.thread_ts }),
    });
  }

  /** A channel's top-level messages, oldest first. */
  history(channel: string): PlaygroundMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.channel === channel && (m.thread_ts === undefined || m.thread_ts === m.ts))
      .sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  /** A thread's replies, oldest first (the parent excluded). */
  replies(channel: string, threadTs: string): PlaygroundMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.channel === channel && m.thread_ts === threadTs && m.ts !== threadTs)
      .sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  addEphemeral(message: EphemeralMessage): void {
    this.ephemerals.push(message);
    this.emit({ kind: 'ephemeral', channel: message.channel, user: message.user });
  }

  /** Removes one of a person's ephemerals (Slack's `delete_original` on one of them). */
  dropEphemeral(user: string, ts: string): void {
    this.ephemerals = this.ephemerals.filter((e) => !(e.user === user && e.ts === ts));
    this.emit({ kind: 'ephemeral', channel: '', user });
  }

  // ── triggers and views ──

  /** A trigger id for an interaction `user` makes now (what Slack puts in the payload). */
  issueTrigger(user: string): string {
    const id = `${this.nextId('').replace(/^0+/, '')}.${Math.floor(this.now() / 1000)}.playground`;
    this.triggers.set(id, { user, at: this.now() });
    return id;
  }

  /** Who a trigger id belongs to; views.open refuses an unknown one and one older than its lifetime. */
  useTrigger(trigger: unknown): string {
    if (typeof trigger !== 'string' || trigger === '') throw new SlackApiError('invalid_trigger_id');
    const found = this.triggers.get(trigger);
    if (found === undefined) throw new SlackApiError('invalid_trigger_id');
    if (this.now() - found.at > TRIGGER_LIFETIME_MS) throw new SlackApiError('expired_trigger_id');
    return found.user;
  }

  view(id: unknown): PlaygroundView {
    const found = this.views.get(String(id ?? ''));
    if (found === undefined) throw new SlackApiError('view_not_found');
    return found;
  }

  viewByExternalId(externalId: unknown): PlaygroundView {
    const found = [...this.views.values()].find((v) => v.view.external_id === externalId);
    if (found === undefined) throw new SlackApiError('view_not_found');
    return found;
  }

  /** The modal stack a person sees, bottom first. */
  modalStack(user: string): PlaygroundView[] {
    return (this.modals.get(user) ?? []).flatMap((id) => {
      const view = this.views.get(id);
      return view === undefined ? [] : [view];
    });
  }

  /** Opens a new modal stack for `user` (views.open), replacing any stack open before. */
  openModal(user: string, view: Record<string, unknown>): PlaygroundView {
    const stored = this.storeView(user, view, null, null);
    this.modals.set(user, [stored.id]);
    this.emit({ kind: 'modal', user });
    return stored;
  }

  /** Pushes a modal onto `user`'s open stack (views.push, or `response_action: push`); Slack allows 3. */
  pushModal(user: string, view: Record<string, unknown>): PlaygroundView {
    const stack = this.modals.get(user) ?? [];
    const top = stack[stack.length - 1];
    if (top === undefined) throw new SlackApiError('view_not_found');
    if (stack.length >= 3) throw new SlackApiError('push_limit_reached');
    const stored = this.storeView(user, view, this.views.get(stack[0] as string)?.rootId ?? top, top);
    stack.push(stored.id);
    this.emit({ kind: 'modal', user });
    return stored;
  }

  /** Replaces an existing view in place (views.update, `response_action: update`). */
  updateView(existing: PlaygroundView, view: Record<string, unknown>, hash?: unknown): PlaygroundView {
    if (typeof hash === 'string' && hash !== '' && hash !== existing.hash) throw new SlackApiError('hash_conflict');
    const updated: PlaygroundView = { ...existing, hash: this.nextId('h'), view: { ...view } };
    this.views.set(existing.id, updated);
    this.emit(
      this.homes.get(existing.user) === existing.id
        ? { kind: 'home', user: existing.user }
        : { kind: 'modal', user: existing.user },
    );
    return updated;
  }

  /** Closes the top modal (`clear: false`) or the whole stack of `user`. */
  closeModals(user: string, all: boolean): void {
    const stack = this.modals.get(user) ?? [];
    const closed = all ? stack.splice(0) : stack.splice(-1);
    for (const id of closed) this.views.delete(id);
    this.emit({ kind: 'modal', user });
  }

  /** Publishes `user`'s App Home (views.publish): the same view id every time, as Slack keeps it. */
  publishHome(user: string, view: Record<string, unknown>, hash?: unknown): PlaygroundView {
    const existingId = this.homes.get(user);
    const existing = existingId === undefined ? undefined : this.views.get(existingId);
    if (existing !== undefined) return this.updateView(existing, view, hash);
    const stored = this.storeView(user, view, null, null);
    this.homes.set(user, stored.id);
    this.emit({ kind: 'home', user });
    return stored;
  }

  private storeView(
    user: string,
    view: Record<string, unknown>,
    rootId: string | null,
    previousId: string | null,
  ): PlaygroundView {
    const id = this.nextId('V');
    const stored: PlaygroundView = {
      id,
      user,
      hash: this.nextId('h'),
      rootId: rootId ?? id,
      previousId,
      view: { ...view },
    };
    this.views.set(id, stored);
    return stored;
  }

  /** A view in the shape Slack's API answers and payloads carry it. */
  viewAnswer(stored: PlaygroundView, state?: Record<string, unknown>): Record<string, unknown> {
    return {
      ...stored.view,
      id: stored.id,
      team_id: this.teamId,
      app_id: DEMO_BOT.appId,
      bot_id: DEMO_BOT.botId,
      hash: stored.hash,
      root_view_id: stored.rootId,
      previous_view_id: stored.previousId,
      state: { values: state ?? {} },
      private_metadata: stored.view.private_metadata ?? '',
      callback_id: stored.view.callback_id ?? '',
      external_id: stored.view.external_id ?? '',
    };
  }

  readonly teamId = 'T0PLAYGRND';

  /** Presence as users.getPresence reports it (anyone not set is active). */
  presenceOf(user: string): 'active' | 'away' {
    return this.presence.get(user) ?? 'active';
  }

  setPresence(user: string, presence: 'active' | 'away'): void {
    this.person(user);
    this.presence.set(user, presence);
    this.emit({ kind: 'presence', user });
  }

  /** Turns a person's Do Not Disturb on (for `minutes` from now) or off. */
  setDnd(user: string, minutes: number | null): void {
    this.person(user);
    if (minutes === null) this.dnd.delete(user);
    else {
      const now = Math.floor(this.now() / 1000);
      this.dnd.set(user, { dnd_enabled: true, next_dnd_start_ts: now - 60, next_dnd_end_ts: now + minutes * 60 });
    }
    this.emit({ kind: 'presence', user });
  }

  people(): readonly DemoPerson[] {
    return DEMO_PEOPLE;
  }
}
