// @ts-check
/**
 * Reading Block Kit elements back in the browser: what each holds, in the shapes Slack uses in
 * `view.state.values` and in a `block_actions` payload's `actions[0]` (see block-kit.js).
 */

/** @typedef {{ type: string, text: string, emoji?: boolean }} TextObject */
/** @typedef {{ text: TextObject, value?: string, description?: TextObject, url?: string }} BkOption */

/** Elements that hold state (everything but buttons and overflow menus). */
export const STATEFUL = new Set([
  'static_select',
  'multi_static_select',
  'external_select',
  'multi_external_select',
  'users_select',
  'multi_users_select',
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
  'checkboxes',
  'radio_buttons',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'plain_text_input',
  'email_text_input',
  'url_text_input',
  'number_input',
]);

/** For each picker, the key of its selection in state and actions, and whether it holds ids (not options). */
const PICKED = /** @type {Record<string, { key: string, ids: boolean }>} */ ({
  static_select: { key: 'selected_option', ids: false },
  external_select: { key: 'selected_option', ids: false },
  multi_static_select: { key: 'selected_options', ids: false },
  multi_external_select: { key: 'selected_options', ids: false },
  users_select: { key: 'selected_user', ids: true },
  multi_users_select: { key: 'selected_users', ids: true },
  conversations_select: { key: 'selected_conversation', ids: true },
  multi_conversations_select: { key: 'selected_conversations', ids: true },
  channels_select: { key: 'selected_channel', ids: true },
  multi_channels_select: { key: 'selected_channels', ids: true },
  checkboxes: { key: 'selected_options', ids: false },
  radio_buttons: { key: 'selected_option', ids: false },
});

/** @param {string | undefined} json */
export function parse(json) {
  if (json === undefined || json === '') return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** @param {Element} el */
export function blockOf(el) {
  const block = el.closest('[data-block-id]');
  return block instanceof HTMLElement ? block : undefined;
}

/** The root node of the element `target` belongs to. @param {EventTarget | null} target */
export function elementOf(target) {
  if (!(target instanceof Element)) return undefined;
  const el = target.closest('[data-bk-type]');
  return el instanceof HTMLElement ? el : undefined;
}

/** Whether an element acts on change: not inside an input block unless that block dispatches. @param {HTMLElement} el */
export function dispatches(el) {
  const block = blockOf(el);
  if (block === undefined) return false;
  return !block.classList.contains('bk-input') || block.dataset.dispatchAction === 'true';
}

/** @param {Element} node @returns {BkOption | undefined} */
export function optionOf(node) {
  return node instanceof HTMLElement ? parse(node.dataset.option) : undefined;
}

/**
 * An epoch (seconds) from a datetime-local value read in `timeZone`.
 * @param {string} local e.g. 2026-12-07T09:30
 * @param {string} timeZone
 */
function epochIn(local, timeZone) {
  const asUtc = Date.parse(`${local}:00Z`);
  if (Number.isNaN(asUtc)) return null;
  // The zone's offset at that instant, found by formatting the UTC guess back in the zone.
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(asUtc));
  /** @param {string} type */
  const get = (type) => parts.find((p) => p.type === type)?.value ?? '00';
  const shown = Date.parse(`${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:00Z`);
  return Math.round((asUtc - (shown - asUtc)) / 1000);
}

/** The selected options of a select, a choice group or a combobox. @param {HTMLElement} el @returns {BkOption[]} */
export function selectedOptions(el) {
  if (el instanceof HTMLSelectElement) {
    return [...el.selectedOptions].map(optionOf).filter((o) => o !== undefined);
  }
  if (el.classList.contains('bk-combo')) return parse(el.dataset.selected) ?? [];
  return [...el.querySelectorAll('input:checked')].map(optionOf).filter((o) => o !== undefined);
}

/**
 * What an element holds, in the shape Slack uses in `state.values` and in `actions[0]`.
 * @param {HTMLElement} el
 * @returns {Record<string, unknown>}
 */
export function stateOf(el) {
  const type = el.dataset.bkType ?? '';
  const picked = PICKED[type];
  if (picked !== undefined) {
    const options = selectedOptions(el);
    const items = picked.ids ? options.map((o) => o.value) : options;
    return { [picked.key]: type.startsWith('multi_') || type === 'checkboxes' ? items : (items[0] ?? null) };
  }
  const input = /** @type {HTMLInputElement} */ (el);
  const value = input.value === '' ? null : input.value;
  switch (type) {
    case 'datepicker':
      return { selected_date: value };
    case 'timepicker':
      return { selected_time: value, ...(el.dataset.timezone ? { timezone: el.dataset.timezone } : {}) };
    case 'datetimepicker':
      return { selected_date_time: value === null ? null : epochIn(value, el.dataset.timeZone ?? 'UTC') };
    default:
      return { value };
  }
}

/**
 * `view.state.values`: block id → action id → { type, value | selected_… }, for every element that
 * holds state (inputs, and selects or pickers in actions blocks), as Slack sends it.
 * @param {ParentNode} root
 * @returns {Record<string, Record<string, Record<string, unknown>>>}
 */
export function readState(root) {
  /** @type {Record<string, Record<string, Record<string, unknown>>>} */
  const values = {};
  for (const node of root.querySelectorAll('[data-bk-type]')) {
    const el = /** @type {HTMLElement} */ (node);
    const type = el.dataset.bkType ?? '';
    const block = blockOf(el);
    if (!STATEFUL.has(type) || block === undefined) continue;
    const blockId = block.dataset.blockId ?? '';
    const actionId = el.dataset.actionId ?? '';
    values[blockId] ??= {};
    values[blockId][actionId] = { type, ...stateOf(el) };
  }
  return values;
}

/**
 * Shows `response_action: errors` ({ [block_id]: message }) under each input block, and clears the others.
 * @param {ParentNode} root
 * @param {Record<string, string>} errors
 */
export function showErrors(root, errors) {
  for (const node of root.querySelectorAll('.bk-input[data-block-id]')) {
    const block = /** @type {HTMLElement} */ (node);
    const slot = block.querySelector('.bk-input-error');
    if (!(slot instanceof HTMLElement)) continue;
    const message = errors[block.dataset.blockId ?? ''];
    slot.textContent = message ?? '';
    slot.hidden = message === undefined;
    block.classList.toggle('bk-input--invalid', message !== undefined);
    const control = block.querySelector('[data-bk-type]');
    if (control instanceof HTMLElement) {
      const field = control.matches('input, select, textarea') ? control : control.querySelector('input');
      if (message === undefined) field?.removeAttribute('aria-invalid');
      else field?.setAttribute('aria-invalid', 'true');
    }
  }
}

/**
 * What Slack's client refuses before a modal is submitted, as `{ [block_id]: message }` for
 * showErrors (empty when it may be sent): an input block that is not `optional` left empty (Slack
 * documents `optional` as whether the element "may be empty when a user submits"), a text shorter
 * than min_length or longer than max_length, a number that is not one (or not whole, or outside
 * min_value/max_value), an email or URL that is not one. The wording is the Playground's.
 * @param {ParentNode} root
 * @returns {Record<string, string>}
 */
export function checkInputs(root) {
  /** @type {Record<string, string>} */
  const errors = {};
  for (const node of root.querySelectorAll('.bk-input[data-block-id]')) {
    const block = /** @type {HTMLElement} */ (node);
    const el = block.querySelector('[data-bk-type]');
    if (!(el instanceof HTMLElement)) continue;
    const problem = inputProblem(el, block.dataset.optional === 'true');
    if (problem !== undefined) errors[block.dataset.blockId ?? ''] = problem;
  }
  return errors;
}

/** @param {HTMLElement} el @param {boolean} optional @returns {string | undefined} */
function inputProblem(el, optional) {
  const held = Object.entries(stateOf(el))
    .filter(([key]) => key !== 'timezone')
    .map(([, value]) => value);
  if (held.every((value) => value === null || (Array.isArray(value) && value.length === 0))) {
    return optional ? undefined : 'Please complete this required field.';
  }
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) return undefined;
  const length = el.value.length;
  if (el.minLength > 0 && length < el.minLength) return `Please enter at least ${el.minLength} characters.`;
  if (el.maxLength >= 0 && length > el.maxLength) return `Please enter at most ${el.maxLength} characters.`;
  if (el instanceof HTMLInputElement && el.dataset.bkType === 'number_input') {
    const number = Number(el.value.trim());
    if (el.value.trim() === '' || !Number.isFinite(number)) return 'Please enter a number.';
    if (el.dataset.decimal === undefined && !Number.isInteger(number)) return 'Please enter a whole number.';
    if (el.min !== '' && number < Number(el.min)) return `Please enter a number no less than ${el.min}.`;
    if (el.max !== '' && number > Number(el.max)) return `Please enter a number no more than ${el.max}.`;
  }
  if (el instanceof HTMLInputElement && el.validity.typeMismatch) {
    return el.type === 'email' ? 'Please enter a valid email address.' : 'Please enter a valid URL.';
  }
  return undefined;
}
