/** What the Playground's stand-in keeps: messages, ephemerals, views, conversations, and what changed. */
import type { DemoChannel } from './workspace.ts';

/** A message as the stand-in keeps it: in a channel or DM, top-level or in a thread. */
export interface PlaygroundMessage {
  channel: string;
  ts: string;
  /** Who posted it: the bot, or a demo person (slash commands are not messages). */
  user: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** Set by chat.update. */
  edited?: boolean;
}

/** An ephemeral message: shown only to `user`, in `channel`, never stored in history. */
export type EphemeralMessage = Pick<PlaygroundMessage, 'channel' | 'ts' | 'user' | 'text' | 'blocks' | 'thread_ts'>;

/** A view (modal or App Home) as views.open/push/update/publish left it. */
export interface PlaygroundView {
  id: string;
  user: string;
  hash: string;
  /** Root of the modal stack it belongs to; the Home view is its own root. */
  rootId: string;
  previousId: string | null;
  view: Record<string, unknown>;
}

/** What changed, for the page's live updates; `user` marks what only one person may see. */
export type PlaygroundChange =
  | { kind: 'message'; channel: string; ts: string; thread_ts?: string }
  | { kind: 'ephemeral'; channel: string; user: string }
  | { kind: 'modal'; user: string }
  | { kind: 'home'; user: string }
  | { kind: 'presence'; user: string }
  | { kind: 'reset' };

export interface Conversation extends DemoChannel {
  /** A DM's other member; undefined for a channel. */
  dmWith?: string;
  /** Whether the bot may post there (a channel it was not invited to answers not_in_channel). */
  botIsMember: boolean;
}

/** What Slack's dnd.info answers for a person. */
export interface DndState {
  dnd_enabled: boolean;
  next_dnd_start_ts: number;
  next_dnd_end_ts: number;
  snooze_enabled?: boolean;
  snooze_endtime?: number;
}
