import { type RenderContext, renderMessage, renderView } from './render/index.ts';
import type { PlaygroundStore } from './slack-api/store.ts';
import { UNINVITED_CHANNEL } from './slack-api/store.ts';
import { DEMO_BOT, DEMO_CHANNELS, DEMO_GROUP, demoPerson } from './slack-api/workspace.ts';

/**
 * How the page shows Block Kit: through the renderer module (render/), with names for the mentions
 * of the demo workspace.
 */
export function renderContext(store: PlaygroundStore, surface: RenderContext['surface']): RenderContext {
  return {
    surface,
    userName: (id) => (id === DEMO_BOT.userId ? 'Greenlight' : demoPerson(id)?.name),
    channelName: (id) =>
      [...DEMO_CHANNELS, UNINVITED_CHANNEL].find((channel) => channel.id === id)?.name ??
      store.conversations.get(id)?.name,
    groupName: (id) => (id === DEMO_GROUP.id ? DEMO_GROUP.handle : undefined),
  };
}

export function messageHtml(store: PlaygroundStore, message: { text?: string; blocks?: unknown }): string {
  return renderMessage(message, renderContext(store, 'message'));
}

export function viewHtml(store: PlaygroundStore, view: unknown, surface: 'modal' | 'home'): string {
  return renderView(view, renderContext(store, surface));
}
