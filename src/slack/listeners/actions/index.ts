import type { App, BlockButtonAction } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { ACTION_IDS } from '../../ids.ts';
import { adminActionCallbacks } from './admin-actions.ts';
import { approveRequestCallback } from './approve-request.ts';
import { denyRequestCallback } from './deny-request.ts';
import { homeCancelCallback, homePageCallback } from './home-actions.ts';

export function register(app: App, deps: CoreDeps): void {
  app.action<BlockButtonAction>(ACTION_IDS.approve, approveRequestCallback(deps));
  app.action<BlockButtonAction>(ACTION_IDS.deny, denyRequestCallback(deps));
  app.action<BlockButtonAction>(ACTION_IDS.cancel, homeCancelCallback(deps));
  app.action<BlockButtonAction>(new RegExp(`^${ACTION_IDS.page}_`), homePageCallback(deps));
  for (const [actionId, callback] of Object.entries(adminActionCallbacks(deps))) {
    app.action<BlockButtonAction>(actionId, callback);
  }
}
