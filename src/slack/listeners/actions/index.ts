import type { App, BlockButtonAction } from '@slack/bolt';
import type { CoreDeps } from '../../../services/deps.ts';
import { ACTION_IDS } from '../../ids.ts';
import { approveRequestCallback } from './approve-request.ts';
import { denyRequestCallback } from './deny-request.ts';

export function register(app: App, deps: CoreDeps): void {
  app.action<BlockButtonAction>(ACTION_IDS.approve, approveRequestCallback(deps));
  app.action<BlockButtonAction>(ACTION_IDS.deny, denyRequestCallback(deps));
}
