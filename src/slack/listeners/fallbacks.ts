import type { App, BlockAction, ViewSubmitAction } from '@slack/bolt';
import { noOptions, staleButton, staleCommand, staleForm } from './stale.ts';

/** How a listener names the ids it answers, as given to `app.action` and friends. */
export type IdMatcher = string | RegExp;

export interface KnownIds {
  actions: IdMatcher[];
  views: IdMatcher[];
  options: IdMatcher[];
  commands: IdMatcher[];
}

function isKnown(known: IdMatcher[], id: string): boolean {
  return known.some((matcher) => (typeof matcher === 'string' ? matcher === id : matcher.test(id)));
}

/** Matches every id (Bolt matches with String.prototype.match, which finds `^` in any string). */
const ANY = /^/;

/**
 * Catch-alls for interactions no listener answers: an action, modal, select or command from an
 * older version of the app, or one it never had. Without them Bolt leaves the request unacked and
 * Slack's user waits three seconds for an error. Bolt runs every matching listener, so each
 * catch-all first checks the id is not one a specific listener answers (that one acks it). They
 * are registered after the specific listeners.
 */
export function registerFallbacks(app: App, known: KnownIds): void {
  app.action<BlockAction>(
    ANY,
    async ({ action, next }) => {
      if (!isKnown(known.actions, action.action_id)) await next();
    },
    staleButton,
  );
  app.view<ViewSubmitAction>(
    ANY,
    async ({ view, next }) => {
      if (!isKnown(known.views, view.callback_id)) await next();
    },
    staleForm(),
  );
  // No modal asks to be told when it is closed; one that does is from another version.
  app.view({ type: 'view_closed', callback_id: ANY }, async ({ ack }) => ack());
  app.options(
    { type: 'block_suggestion', action_id: ANY },
    async ({ body, next }) => {
      if (!isKnown(known.options, body.action_id)) await next();
    },
    noOptions,
  );
  app.command(
    ANY,
    async ({ command, next }) => {
      if (!isKnown(known.commands, command.command)) await next();
    },
    staleCommand,
  );
  // The app has no shortcuts: any is from another version.
  app.shortcut(ANY, async ({ ack }) => ack());
}
