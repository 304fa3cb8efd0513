import type { App } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { RULE_FIELDS } from '../../blocks/rule-editor-modal.ts';
import { WORKFLOW_GROUP_SELECTS } from '../../blocks/rule-editor-workflow.ts';
import { validated, ZBlockSuggestion } from '../../payloads.ts';
import { noOptions } from '../stale.ts';
import { approverGroupOptionsCallback } from './approver-groups.ts';

/** Registers the external-select listeners; returns the action ids they answer. */
export function register(app: App, deps: CoreDeps): string[] {
  // Every user-group picker of the rule editor: the approvers', and each stage's and escalation level's.
  const groupPickers = [RULE_FIELDS.groups, ...WORKFLOW_GROUP_SELECTS];
  for (const actionId of groupPickers) {
    app.options(
      { type: 'block_suggestion', action_id: actionId },
      validated(ZBlockSuggestion, approverGroupOptionsCallback(deps), noOptions),
    );
  }
  return groupPickers;
}
