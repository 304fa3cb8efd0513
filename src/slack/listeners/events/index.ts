import type { App } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { appHomeOpenedCallback } from './app-home-opened.ts';

export function register(app: App, deps: CoreDeps): void {
  app.event('app_home_opened', appHomeOpenedCallback(deps));
}
