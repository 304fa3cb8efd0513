import type { App } from '@slack/bolt';
import * as events from './events/index.ts';

export interface ListenerDeps {
  adminUserIds: readonly string[];
}

/** Registers every Slack listener on the Bolt app. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  events.register(app, deps);
}
