import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { AWAY_FIELDS } from '../../blocks/away-modal.ts';
import { BREAK_GLASS_FIELDS } from '../../blocks/break-glass-modals.ts';
import { EXTENSION_FIELDS } from '../../blocks/extension-blocks.ts';
import { ANSWER_FIELD, QUESTION_FIELD } from '../../blocks/question-modal.ts';
import { REASON_FIELDS } from '../../blocks/reason-modal.ts';
import { CALLBACK_IDS } from '../../ids.ts';
import { type TViewSubmission, validated, ZViewSubmission } from '../../payloads.ts';
import { staleForm } from '../stale.ts';
import {
  exportModalSubmitCallback,
  identityModalSubmitCallback,
  keyModalSubmitCallback,
  ruleModalSubmitCallback,
  testModalSubmitCallback,
} from './admin-views.ts';
import { awayModalSubmitCallback } from './away-modal-submit.ts';
import { breakGlassReviewSubmitCallback } from './break-glass-review-submit.ts';
import { breakGlassSubmitCallback } from './break-glass-submit.ts';
import { extensionModalSubmitCallback } from './extension-modal-submit.ts';
import { questionModalSubmitCallback } from './question-modal-submit.ts';
import { reasonModalSubmitCallback } from './reason-modal-submit.ts';
import { replyModalSubmitCallback } from './reply-modal-submit.ts';
import { requestModalSubmitCallback } from './request-modal-submit.ts';
import { revokeModalSubmitCallback } from './revoke-modal-submit.ts';

type Callback = (
  args: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>,
  input: TViewSubmission,
) => Promise<void>;

/**
 * Registers the modal submit listeners; returns the callback ids they answer (the catch-all
 * answers the rest). A submission whose state does not parse gets the out-of-date message under
 * the reason input where the modal has one, and replaces the modal otherwise.
 */
export function register(app: App, deps: CoreDeps): string[] {
  const listeners: Array<[string, Callback, string?]> = [
    [CALLBACK_IDS.requestModal, requestModalSubmitCallback(deps)],
    [CALLBACK_IDS.denyModal, reasonModalSubmitCallback(deps), REASON_FIELDS.reason],
    [CALLBACK_IDS.approveModal, reasonModalSubmitCallback(deps), REASON_FIELDS.reason],
    [CALLBACK_IDS.revokeModal, revokeModalSubmitCallback(deps), REASON_FIELDS.reason],
    [CALLBACK_IDS.ruleModal, ruleModalSubmitCallback(deps)],
    [CALLBACK_IDS.testModal, testModalSubmitCallback(deps)],
    [CALLBACK_IDS.keyModal, keyModalSubmitCallback(deps)],
    [CALLBACK_IDS.exportModal, exportModalSubmitCallback(deps)],
    // Needs info and Extend.
    [CALLBACK_IDS.questionModal, questionModalSubmitCallback(deps), QUESTION_FIELD],
    [CALLBACK_IDS.replyModal, replyModalSubmitCallback(deps), ANSWER_FIELD],
    [CALLBACK_IDS.extensionModal, extensionModalSubmitCallback(deps), EXTENSION_FIELDS.reason],
    [CALLBACK_IDS.breakGlassModal, breakGlassSubmitCallback(deps), BREAK_GLASS_FIELDS.reason],
    [CALLBACK_IDS.breakGlassReviewModal, breakGlassReviewSubmitCallback(deps), BREAK_GLASS_FIELDS.note],
    [CALLBACK_IDS.awayModal, awayModalSubmitCallback(deps), AWAY_FIELDS.until],
    [CALLBACK_IDS.identityModal, identityModalSubmitCallback(deps)],
  ];
  for (const [callbackId, callback, blockId] of listeners) {
    app.view<ViewSubmitAction>(callbackId, validated(ZViewSubmission, callback, staleForm(blockId)));
  }
  return listeners.map(([callbackId]) => callbackId);
}
