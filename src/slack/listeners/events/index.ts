import type { App } from '@slack/bolt';
import { appHomeOpenedCallback, type HomeDeps } from './app-home-opened.ts';

export function register(app: App, deps: HomeDeps): void {
  app.event('app_home_opened', appHomeOpenedCallback(deps));
}
