import type { ViewSubmitAction } from '@slack/bolt';

type Values = ViewSubmitAction['view']['state']['values'];
type Json = Record<string, unknown>;

/**
 * The `view.state.values` Slack sends when a modal is submitted untouched: each input reports its
 * initial value under its block id and action id, in the shape Slack uses for that element type.
 */
export function submitUnchanged(view: { blocks: unknown[] }): Values {
  const values: Record<string, Record<string, Json>> = {};
  for (const block of view.blocks as Json[]) {
    if (block.type !== 'input') continue;
    const element = block.element as Json;
    const type = element.type as string;
    let state: Json;
    switch (type) {
      case 'plain_text_input':
      case 'number_input':
        state = { value: element.initial_value ?? null };
        break;
      case 'static_select':
        state = { selected_option: element.initial_option ?? null };
        break;
      case 'checkboxes':
      case 'multi_external_select':
        state = { selected_options: element.initial_options ?? [] };
        break;
      case 'timepicker':
        state = { selected_time: element.initial_time ?? null };
        break;
      case 'datetimepicker':
        state = { selected_date_time: element.initial_date_time ?? null };
        break;
      case 'conversations_select':
        state = { selected_conversation: element.initial_conversation ?? null };
        break;
      case 'users_select':
        state = { selected_user: element.initial_user ?? null };
        break;
      case 'multi_users_select':
        state = { selected_users: element.initial_users ?? [] };
        break;
      default:
        throw new Error(`submitUnchanged: no state shape for ${type}`);
    }
    values[block.block_id as string] = { [element.action_id as string]: { type, ...state } };
  }
  return values as unknown as Values;
}
