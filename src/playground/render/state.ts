import { isObject } from './html.ts';

/*
 * Slack keeps what a person entered in a modal when the app updates it ("Preserving input entry in
 * views", https://docs.slack.dev/reference/views/modal-views): an element with the same block_id and
 * action_id shows the value in `view.state.values` instead of its initial one. Drawing a view with its
 * state does the same here, so a views.update after a block action does not wipe the form.
 */

type Json = Record<string, unknown>;

/** Which `initial_…` field each `selected_…`/`value` key of a state entry fills. */
const INITIAL_OF: Record<string, string> = {
  value: 'initial_value',
  selected_option: 'initial_option',
  selected_options: 'initial_options',
  selected_user: 'initial_user',
  selected_users: 'initial_users',
  selected_conversation: 'initial_conversation',
  selected_conversations: 'initial_conversations',
  selected_channel: 'initial_channel',
  selected_channels: 'initial_channels',
  selected_date: 'initial_date',
  selected_time: 'initial_time',
  selected_date_time: 'initial_date_time',
};

/** An element with its initial value replaced by what the state holds for it (same type only). */
function withState(element: unknown, entry: unknown): unknown {
  if (!isObject(element) || !isObject(entry) || entry.type !== element.type) return element;
  const next: Json = { ...element };
  for (const [key, initial] of Object.entries(INITIAL_OF)) {
    if (!(key in entry)) continue;
    const value = entry[key];
    // An emptied field shows empty, not its initial value again.
    if (value === null || value === undefined) delete next[initial];
    else next[initial] = value;
  }
  return next;
}

/** The blocks of a view drawn with what `state.values` holds for their elements. */
export function applyState(blocks: unknown, state: unknown): unknown {
  const values = isObject(state) && isObject(state.values) ? state.values : undefined;
  if (values === undefined || !Array.isArray(blocks)) return blocks;
  return blocks.map((block) => {
    if (!isObject(block) || typeof block.block_id !== 'string') return block;
    const entries = values[block.block_id];
    if (!isObject(entries)) return block;
    const fill = (element: unknown) =>
      isObject(element) && typeof element.action_id === 'string'
        ? withState(element, entries[element.action_id])
        : element;
    if (block.type === 'input') return { ...block, element: fill(block.element) };
    if (block.type === 'actions' && Array.isArray(block.elements))
      return { ...block, elements: block.elements.map(fill) };
    if (block.type === 'section' && block.accessory !== undefined)
      return { ...block, accessory: fill(block.accessory) };
    return block;
  });
}
