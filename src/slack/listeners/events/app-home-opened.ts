import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { buildHomeView } from '../../blocks/home.ts';

export interface HomeDeps {
  adminUserIds: readonly string[];
}

/** Publishes the viewer's App Home whenever they open its Home tab. */
export function appHomeOpenedCallback(deps: HomeDeps) {
  return async ({ event, client, logger }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>) => {
    if (event.tab !== 'home') return;
    try {
      await client.views.publish({
        user_id: event.user,
        view: buildHomeView({ userId: event.user, isAdmin: deps.adminUserIds.includes(event.user) }),
      });
    } catch (error) {
      logger.error(`app_home_opened: views.publish failed for ${event.user}: ${String(error)}`);
    }
  };
}
