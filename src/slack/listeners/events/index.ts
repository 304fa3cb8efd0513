import type { App } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { validated, ZAppHomeOpenedBody } from '../../payloads.ts';
import { appHomeOpenedCallback } from './app-home-opened.ts';

export function register(app: App, deps: CoreDeps): void {
  // Events are acked by Bolt before any listener runs; a malformed one is only logged.
  app.event(
    'app_home_opened',
    validated(ZAppHomeOpenedBody, appHomeOpenedCallback(deps), async ({ logger }) =>
      logger.warn('app_home_opened: payload not understood'),
    ),
  );
}
