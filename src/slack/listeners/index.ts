import type { App } from '@slack/bolt';
import type { CoreDeps } from '../../services/ports.ts';
import * as actions from './actions/index.ts';
import * as commands from './commands/index.ts';
import * as events from './events/index.ts';
import * as options from './options/index.ts';
import * as views from './views/index.ts';

/** Registers every Slack listener on the Bolt app. */
export function registerListeners(app: App, deps: CoreDeps): void {
  commands.register(app, deps);
  actions.register(app, deps);
  views.register(app, deps);
  options.register(app, deps);
  events.register(app, deps);
}
