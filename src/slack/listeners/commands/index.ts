import type { App } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { COMMAND_REQUEST_ACTION } from '../../ids.ts';
import { requestActionCommandCallback } from './request-action.ts';

export function register(app: App, deps: CoreDeps): void {
  app.command(COMMAND_REQUEST_ACTION, requestActionCommandCallback(deps));
}
