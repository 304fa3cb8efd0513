import type { App } from '@slack/bolt';
import type { CoreDeps } from '../../services/ports.ts';
import * as actions from './actions/index.ts';
import * as commands from './commands/index.ts';
import * as events from './events/index.ts';
import { registerFallbacks } from './fallbacks.ts';
import * as options from './options/index.ts';
import * as views from './views/index.ts';

/**
 * Registers every Slack listener on the Bolt app, then the catch-alls that answer whatever none of
 * them does (see registerFallbacks).
 */
export function registerListeners(app: App, deps: CoreDeps): void {
  const known = {
    commands: commands.register(app, deps),
    actions: actions.register(app, deps),
    views: views.register(app, deps),
    options: options.register(app, deps),
  };
  events.register(app, deps);
  registerFallbacks(app, known);
}
