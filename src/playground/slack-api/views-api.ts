import type { BlockKitChecks } from './checks.ts';
import { SlackApiError } from './errors.ts';
import type { Handler } from './messages-api.ts';
import type { PlaygroundStore } from './store.ts';

/** Refuses a view Slack would refuse (views.* answer invalid_arguments with the details). */
export function checkViewArg(checks: BlockKitChecks, view: unknown): Record<string, unknown> {
  if (typeof view !== 'object' || view === null) {
    throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: view']);
  }
  const result = checks.view(view);
  if (!result.ok) {
    throw new SlackApiError('invalid_arguments', result.errors ?? [result.error]);
  }
  return view as Record<string, unknown>;
}

/** views.open/push/update/publish over the store. */
export function viewMethods(store: PlaygroundStore, checks: BlockKitChecks): Record<string, Handler> {
  return {
    'views.open': (args) => {
      const user = store.useTrigger(args.trigger_id);
      const view = checkViewArg(checks, args.view);
      return { view: store.viewAnswer(store.openModal(user, view)) };
    },
    'views.push': (args) => {
      const user = store.useTrigger(args.trigger_id);
      const view = checkViewArg(checks, args.view);
      return { view: store.viewAnswer(store.pushModal(user, view)) };
    },
    'views.update': (args) => {
      const existing =
        args.view_id !== undefined && args.view_id !== ''
          ? store.view(args.view_id)
          : store.viewByExternalId(args.external_id);
      const view = checkViewArg(checks, args.view);
      return { view: store.viewAnswer(store.updateView(existing, view, args.hash)) };
    },
    'views.publish': (args) => {
      const person = store.person(args.user_id);
      const view = checkViewArg(checks, args.view);
      if (view.type !== 'home')
        throw new SlackApiError('invalid_arguments', ['[ERROR] must be home [json-pointer:/view/type]']);
      return { view: store.viewAnswer(store.publishHome(person.id, view, args.hash)) };
    },
  };
}
