import type { App } from '@slack/bolt';
import type { CoreDeps } from '../../../services/ports.ts';
import { RULE_FIELDS } from '../../blocks/rule-editor-modal.ts';
import { approverGroupOptionsCallback } from './approver-groups.ts';

export function register(app: App, deps: CoreDeps): void {
  app.options({ type: 'block_suggestion', action_id: RULE_FIELDS.groups }, approverGroupOptionsCallback(deps));
}
