import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { parsePages, publishHome } from '../../home-publisher.ts';
import type { TAppHomeOpened } from '../../payloads.ts';

/** Publishes the viewer's App Home whenever they open its Home tab. */
export function appHomeOpenedCallback(deps: CoreDeps) {
  return async (
    { client, logger }: AllMiddlewareArgs & SlackEventMiddlewareArgs<'app_home_opened'>,
    event: TAppHomeOpened,
  ) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(deps, client, event.user, event.view ? parsePages(event.view.private_metadata) : undefined);
    } catch (error) {
      logger.error(`app_home_opened: publishing Home failed for ${event.user}: ${String(error)}`);
    }
  };
}
