import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { ACTION_IDS } from '../../ids.ts';
import { type TBlockActions, validated, ZBlockActions } from '../../payloads.ts';
import type { IdMatcher } from '../fallbacks.ts';
import { staleButton } from '../stale.ts';
import { adminActionCallbacks } from './admin-actions.ts';
import { approveForWhileCallback } from './approve-for-while.ts';
import { approveRequestCallback } from './approve-request.ts';
import { askQuestionCallback } from './ask-question.ts';
import { awayClearCallback } from './away-clear.ts';
import { awaySetCallback } from './away-set.ts';
import { breakGlassCallback } from './break-glass.ts';
import { breakGlassReviewCallback } from './break-glass-review.ts';
import { decideExtensionCallback } from './decide-extension.ts';
import { denyRequestCallback } from './deny-request.ts';
import { homeCancelCallback, homePageCallback, homeStandingRevokeCallback } from './home-actions.ts';
import { replyQuestionCallback } from './reply-question.ts';
import { requestExtensionCallback } from './request-extension.ts';
import { revokeGrantCallback } from './revoke-grant.ts';
import { showGrantCallback } from './show-grant.ts';

type Callback = (
  args: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>,
  input: TBlockActions,
) => Promise<void>;

/** Registers the button listeners; returns the action ids they answer (the catch-all answers the rest). */
export function register(app: App, deps: CoreDeps): IdMatcher[] {
  const listeners: Array<[IdMatcher, Callback]> = [
    [ACTION_IDS.approve, approveRequestCallback(deps)],
    [ACTION_IDS.approveForWhile, approveForWhileCallback(deps)],
    [ACTION_IDS.deny, denyRequestCallback(deps)],
    [ACTION_IDS.cancel, homeCancelCallback(deps)],
    [ACTION_IDS.standingRevoke, homeStandingRevokeCallback(deps)],
    [ACTION_IDS.revokeGrant, revokeGrantCallback(deps)],
    [ACTION_IDS.showGrant, showGrantCallback(deps)],
    // Needs info and Extend.
    [ACTION_IDS.askQuestion, askQuestionCallback(deps)],
    [ACTION_IDS.replyQuestion, replyQuestionCallback(deps)],
    [ACTION_IDS.requestExtension, requestExtensionCallback(deps)],
    [ACTION_IDS.approveExtension, decideExtensionCallback(deps, 'approve')],
    [ACTION_IDS.denyExtension, decideExtensionCallback(deps, 'deny')],
    [ACTION_IDS.breakGlass, breakGlassCallback(deps)],
    [ACTION_IDS.breakGlassReview, breakGlassReviewCallback(deps)],
    [new RegExp(`^${ACTION_IDS.page}_`), homePageCallback(deps)],
    [ACTION_IDS.awaySet, awaySetCallback(deps)],
    [ACTION_IDS.awayClear, awayClearCallback(deps)],
    ...Object.entries(adminActionCallbacks(deps)),
  ];
  for (const [actionId, callback] of listeners) {
    app.action<BlockButtonAction>(actionId, validated(ZBlockActions, callback, staleButton));
  }
  return listeners.map(([actionId]) => actionId);
}
