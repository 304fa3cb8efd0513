import type { App, ViewSubmitAction } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { CALLBACK_IDS } from '../../ids.ts';
import { keyModalSubmitCallback, ruleModalSubmitCallback, testModalSubmitCallback } from './admin-views.ts';
import { reasonModalSubmitCallback } from './reason-modal-submit.ts';
import { requestModalSubmitCallback } from './request-modal-submit.ts';

export function register(app: App, deps: CoreDeps): void {
  app.view<ViewSubmitAction>(CALLBACK_IDS.requestModal, requestModalSubmitCallback(deps));
  app.view<ViewSubmitAction>(CALLBACK_IDS.denyModal, reasonModalSubmitCallback(deps));
  app.view<ViewSubmitAction>(CALLBACK_IDS.approveModal, reasonModalSubmitCallback(deps));
  app.view<ViewSubmitAction>(CALLBACK_IDS.ruleModal, ruleModalSubmitCallback(deps));
  app.view<ViewSubmitAction>(CALLBACK_IDS.testModal, testModalSubmitCallback(deps));
  app.view<ViewSubmitAction>(CALLBACK_IDS.keyModal, keyModalSubmitCallback(deps));
}
