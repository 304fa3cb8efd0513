import type { App } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { RULE_FIELDS } from '../../blocks/rule-editor-modal.ts';
import { validated, ZBlockSuggestion } from '../../payloads.ts';
import { noOptions } from '../stale.ts';
import { approverGroupOptionsCallback } from './approver-groups.ts';

/** Registers the external-select listeners; returns the action ids they answer. */
export function register(app: App, deps: CoreDeps): string[] {
  app.options(
    { type: 'block_suggestion', action_id: RULE_FIELDS.groups },
    validated(ZBlockSuggestion, approverGroupOptionsCallback(deps), noOptions),
  );
  return [RULE_FIELDS.groups];
}
