// @ts-check
/**
 * The Playground's Block Kit behaviour in the browser: served as is (no build step), it reads the
 * HTML made by `src/playground/render/` (data-block-id, data-bk-type, data-action-id, data-option…)
 * and turns what a person does into what Slack would send:
 *
 * - `wireInteractions(root, { onAction, onSuggest })`: buttons, overflow menus, selects, pickers,
 *   checkboxes, radio buttons, date/time pickers call `onAction(action)` with `action` in the shape of
 *   a `block_actions` payload's `actions[0]` for that element — in actions blocks, section accessories
 *   and Home, and in input blocks only when the block has `dispatch_action`. A `confirm` dialog is
 *   shown first when the element has one (denying it sends nothing). external_select asks
 *   `onSuggest({ action_id, block_id, value, type })` for options (`block_suggestion`); user and
 *   conversation pickers ask it too, with their own type (`users_select`, `conversations_select`…),
 *   and expect options whose value is the user or conversation id.
 * - `readState(root)`: `view.state.values` as Slack builds it for a view submission.
 * - `showErrors(root, errors)`: `response_action: errors` shown under each input block.
 */

/** @typedef {{ type: string, text: string, emoji?: boolean }} TextObject */
/** @typedef {{ text: TextObject, value?: string, description?: TextObject, url?: string }} BkOption */
/** @typedef {{ options?: BkOption[], option_groups?: { label: TextObject, options: BkOption[] }[] }} Suggestions */
/** @typedef {{ action_id: string, block_id: string, value: string, type: string }} SuggestRequest */
/** @typedef {Record<string, unknown> & { action_id: string, block_id: string, type: string, action_ts: string }} BlockAction */
/**
 * @typedef {{
 *   onAction: (action: BlockAction) => void | Promise<void>,
 *   onSuggest?: (request: SuggestRequest) => Promise<Suggestions>,
 * }} Handlers
 */

/** Elements that hold state (everything but buttons and overflow menus). */
const STATEFUL = new Set([
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

const wired = new WeakSet();

/** @param {string | undefined} json */
function parse(json) {
  if (json === undefined || json === '') return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** Slack's action_ts: seconds since the epoch with microseconds. */
function actionTs() {
  return (Date.now() / 1000).toFixed(6);
}

/** @param {Element} el */
function blockOf(el) {
  const block = el.closest('[data-block-id]');
  return block instanceof HTMLElement ? block : undefined;
}

/** The root node of the element `target` belongs to. @param {EventTarget | null} target */
function elementOf(target) {
  if (!(target instanceof Element)) return undefined;
  const el = target.closest('[data-bk-type]');
  return el instanceof HTMLElement ? el : undefined;
}

/** Whether an element acts on change: not inside an input block unless that block dispatches. @param {HTMLElement} el */
function dispatches(el) {
  const block = blockOf(el);
  if (block === undefined) return false;
  return !block.classList.contains('bk-input') || block.dataset.dispatchAction === 'true';
}

/** The dialog rendered right after an element for its `confirm` object. @param {HTMLElement} el */
function confirmOf(el) {
  const next = el.nextElementSibling;
  return next instanceof HTMLDialogElement && next.classList.contains('bk-confirm') ? next : undefined;
}

/**
 * Opens the element's confirm dialog, if any, and resolves true when the person confirms.
 * @param {HTMLElement} el
 * @returns {Promise<boolean>}
 */
function confirmed(el) {
  const dialog = confirmOf(el);
  if (dialog === undefined) return Promise.resolve(true);
  return new Promise((resolve) => {
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.showModal();
  });
}

/** @param {Element} node @returns {BkOption | undefined} */
function optionOf(node) {
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
function selectedOptions(el) {
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
function stateOf(el) {
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
 * @param {HTMLElement} el
 * @param {Record<string, unknown>} fields
 * @returns {BlockAction}
 */
function actionFor(el, fields) {
  return {
    type: el.dataset.bkType ?? '',
    action_id: el.dataset.actionId ?? '',
    block_id: blockOf(el)?.dataset.blockId ?? '',
    ...fields,
    action_ts: actionTs(),
  };
}

/** @param {string | undefined} url */
function openUrl(url) {
  if (url !== undefined && /^https?:\/\//i.test(url)) window.open(url, '_blank', 'noopener,noreferrer');
}

/**
 * Wires the Block Kit elements under `root` (once; later calls on the same root do nothing) and
 * returns a function that unwires them.
 * @param {HTMLElement} root
 * @param {Handlers} handlers
 * @returns {() => void}
 */
export function wireInteractions(root, handlers) {
  if (wired.has(root)) return () => {};
  wired.add(root);
  const controller = new AbortController();
  const { signal } = controller;
  /** @param {HTMLElement} el @param {Record<string, unknown>} fields */
  const send = (el, fields) => {
    Promise.resolve(handlers.onAction(actionFor(el, fields))).catch((error) => console.error('onAction failed', error));
  };
  /** Confirm (if asked), then send; `undo` restores the element when the person backs out. */
  const act = (/** @type {HTMLElement} */ el, /** @type {() => Record<string, unknown>} */ fields, undo = () => {}) => {
    confirmed(el)
      .then((ok) => {
        if (ok) send(el, fields());
        else undo();
      })
      .catch((error) => console.error('confirm failed', error));
  };

  root.addEventListener(
    'click',
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      if (target === null) return;
      const button = target.closest('button[data-bk-type="button"]');
      if (button instanceof HTMLButtonElement && root.contains(button)) {
        act(button, () => {
          openUrl(button.dataset.url);
          return {
            text: parse(button.dataset.text),
            ...(button.dataset.value !== undefined ? { value: button.dataset.value } : {}),
            ...(button.dataset.style !== undefined ? { style: button.dataset.style } : {}),
          };
        });
        return;
      }
      const toggle = target.closest('.bk-overflow-toggle');
      if (toggle instanceof HTMLButtonElement) {
        toggleMenu(toggle, toggle.getAttribute('aria-expanded') !== 'true');
        return;
      }
      const item = target.closest('.bk-menu-item');
      const overflow = elementOf(item);
      if (item !== null && overflow !== undefined) {
        const option = optionOf(item);
        closeMenus(root);
        act(overflow, () => {
          openUrl(option?.url);
          return { selected_option: option };
        });
        return;
      }
      const remove = target.closest('.bk-chip-remove');
      const combo = elementOf(remove);
      if (remove !== null && combo !== undefined) {
        const chip = remove.closest('.bk-chip');
        const value = chip instanceof HTMLElement ? optionOf(chip)?.value : undefined;
        setSelection(
          combo,
          selectedOptions(combo).filter((o) => o.value !== value),
        );
        if (dispatches(combo)) act(combo, () => stateOf(combo));
        return;
      }
      const pick = target.closest('[role="option"]');
      const owner = elementOf(pick);
      if (pick instanceof HTMLElement && owner !== undefined) choose(owner, pick);
      if (!target.closest('.bk-overflow')) closeMenus(root);
    },
    { signal },
  );

  root.addEventListener(
    'change',
    (event) => {
      const el = elementOf(event.target);
      if (el === undefined || el.classList.contains('bk-combo')) return;
      const type = el.dataset.bkType ?? '';
      if (!STATEFUL.has(type) || type.endsWith('_input') || !dispatches(el)) return;
      const before = el.dataset.before;
      act(
        el,
        () => {
          el.dataset.before = JSON.stringify(stateOf(el));
          return stateOf(el);
        },
        () => restore(el, before),
      );
    },
    { signal },
  );

  // Remember each element's value before a change, so a denied confirm can put it back.
  root.addEventListener(
    'focusin',
    (event) => {
      const el = elementOf(event.target);
      if (el !== undefined && el.dataset.before === undefined) el.dataset.before = JSON.stringify(stateOf(el));
      if (el?.classList.contains('bk-combo') && event.target instanceof HTMLInputElement) {
        const type = el.dataset.bkType ?? '';
        if (!type.includes('external')) suggest(el, event.target.value);
      }
    },
    { signal },
  );

  root.addEventListener(
    'input',
    (event) => {
      const el = elementOf(event.target);
      if (el === undefined) return;
      if (el.classList.contains('bk-combo') && event.target instanceof HTMLInputElement) {
        if (el.dataset.multi === undefined && event.target.value === '') setSelection(el, []);
        suggest(el, event.target.value);
        return;
      }
      if (textTriggers(el).includes('on_character_entered') && dispatches(el)) send(el, stateOf(el));
    },
    { signal },
  );

  root.addEventListener(
    'keydown',
    (event) => {
      const el = elementOf(event.target);
      if (event.key === 'Escape') closeMenus(root);
      if (el === undefined) return;
      if (el.classList.contains('bk-combo')) {
        comboKey(el, event);
        return;
      }
      if (el.classList.contains('bk-overflow')) {
        menuKey(el, event);
        return;
      }
      const multiline = el instanceof HTMLTextAreaElement;
      const enter = event.key === 'Enter' && (!multiline || event.ctrlKey || event.metaKey);
      if (enter && textTriggers(el).includes('on_enter_pressed') && dispatches(el)) {
        event.preventDefault();
        send(el, stateOf(el));
      }
    },
    { signal },
  );

  /** @param {HTMLElement} el */
  function textTriggers(el) {
    const type = el.dataset.bkType ?? '';
    if (!type.endsWith('_input')) return [];
    // Slack's default trigger is pressing Enter (dispatch_action_config).
    return (el.dataset.trigger ?? 'on_enter_pressed').split(' ');
  }

  /** @param {HTMLElement} el @param {string | undefined} before */
  function restore(el, before) {
    const previous = parse(before) ?? {};
    if (el instanceof HTMLSelectElement) {
      const keep = new Set(
        [previous.selected_option, ...(previous.selected_options ?? [])].filter(Boolean).map((o) => o.value),
      );
      for (const option of el.options) option.selected = keep.has(optionOf(option)?.value);
      if (keep.size === 0 && !el.multiple) el.selectedIndex = 0;
    } else if (el.matches('input')) {
      const input = /** @type {HTMLInputElement} */ (el);
      input.value = previous.selected_date ?? previous.selected_time ?? '';
    } else {
      const keep = new Set(
        [previous.selected_option, ...(previous.selected_options ?? [])].filter(Boolean).map((o) => o.value),
      );
      for (const box of el.querySelectorAll('input')) box.checked = keep.has(optionOf(box)?.value);
    }
  }

  /** @param {HTMLButtonElement} toggle @param {boolean} open */
  function toggleMenu(toggle, open) {
    closeMenus(root);
    const menu = toggle.nextElementSibling;
    if (!(menu instanceof HTMLElement)) return;
    menu.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) menu.querySelector('button')?.focus();
  }

  /** @param {HTMLElement} el @param {KeyboardEvent} event */
  function menuKey(el, event) {
    const items = [...el.querySelectorAll('.bk-menu-item')];
    const index = items.indexOf(/** @type {Element} */ (event.target));
    if (index === -1) return;
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = items[(index + step + items.length) % items.length];
    if (next instanceof HTMLElement) next.focus();
  }

  let suggestion = 0;
  /** @param {HTMLElement} el @param {string} value */
  function suggest(el, value) {
    const type = el.dataset.bkType ?? '';
    const min = Number(el.dataset.minQueryLength ?? (type.includes('external') ? 3 : 0));
    const list = el.querySelector('.bk-listbox');
    const input = el.querySelector('.bk-combo-input');
    if (!(list instanceof HTMLElement) || !(input instanceof HTMLInputElement)) return;
    if (value.length < min || handlers.onSuggest === undefined) {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      return;
    }
    suggestion += 1;
    const mine = suggestion;
    handlers
      .onSuggest({
        type: type.replace(/^multi_/, ''),
        action_id: el.dataset.actionId ?? '',
        block_id: blockOf(el)?.dataset.blockId ?? '',
        value,
      })
      .then((answer) => {
        if (mine !== suggestion) return; // a newer query is on its way
        showSuggestions(el, list, input, answer ?? {});
      })
      .catch((error) => console.error('onSuggest failed', error));
  }

  /** @param {HTMLElement} el @param {HTMLElement} list @param {HTMLInputElement} input @param {Suggestions} answer */
  function showSuggestions(el, list, input, answer) {
    list.replaceChildren();
    const taken = new Set(selectedOptions(el).map((o) => o.value));
    /** @param {BkOption} option */
    const item = (option) => {
      const li = document.createElement('li');
      li.setAttribute('role', 'option');
      li.id = `${input.id}-o${list.querySelectorAll('[role="option"]').length}`;
      li.className = 'bk-listbox-option';
      li.dataset.option = JSON.stringify(option);
      li.textContent = option.text?.text ?? '';
      li.setAttribute('aria-selected', String(taken.has(option.value)));
      list.append(li);
    };
    for (const option of answer.options ?? []) item(option);
    for (const group of answer.option_groups ?? []) {
      const label = document.createElement('li');
      label.setAttribute('role', 'presentation');
      label.className = 'bk-listbox-group';
      label.textContent = group.label?.text ?? '';
      list.append(label);
      for (const option of group.options ?? []) item(option);
    }
    if (list.childElementCount === 0) {
      const empty = document.createElement('li');
      empty.setAttribute('role', 'presentation');
      empty.className = 'bk-listbox-empty';
      empty.textContent = 'No results';
      list.append(empty);
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  /** @param {HTMLElement} el @param {KeyboardEvent} event */
  function comboKey(el, event) {
    const list = el.querySelector('.bk-listbox');
    const input = el.querySelector('.bk-combo-input');
    if (!(list instanceof HTMLElement) || !(input instanceof HTMLInputElement) || list.hidden) return;
    const options = [...list.querySelectorAll('[role="option"]')];
    const active = options.findIndex((o) => o.classList.contains('bk-active'));
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = options[(active + (event.key === 'ArrowDown' ? 1 : -1) + options.length) % options.length];
      for (const o of options) o.classList.toggle('bk-active', o === next);
      if (next !== undefined) input.setAttribute('aria-activedescendant', next.id);
    } else if (event.key === 'Enter' && active !== -1) {
      event.preventDefault();
      const chosenOption = options[active];
      if (chosenOption instanceof HTMLElement) choose(el, chosenOption);
    } else if (event.key === 'Escape') {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
    }
  }

  /** @param {HTMLElement} el @param {BkOption[]} options */
  function setSelection(el, options) {
    el.dataset.selected = JSON.stringify(options);
    const input = el.querySelector('.bk-combo-input');
    const chips = el.querySelector('.bk-chips');
    if (chips instanceof HTMLElement) {
      chips.replaceChildren(
        ...options.map((o) => {
          const chip = document.createElement('span');
          chip.className = 'bk-chip';
          chip.dataset.option = JSON.stringify(o);
          chip.textContent = o.text?.text ?? '';
          const remove = document.createElement('button');
          remove.type = 'button';
          remove.className = 'bk-chip-remove';
          remove.setAttribute('aria-label', `Remove ${o.text?.text ?? ''}`);
          remove.textContent = '×';
          chip.append(remove);
          return chip;
        }),
      );
    } else if (input instanceof HTMLInputElement) {
      input.value = options[0]?.text?.text ?? '';
    }
  }

  /** @param {HTMLElement} el @param {HTMLElement} pick */
  function choose(el, pick) {
    const option = optionOf(pick);
    const list = el.querySelector('.bk-listbox');
    const input = el.querySelector('.bk-combo-input');
    if (list instanceof HTMLElement) list.hidden = true;
    if (input instanceof HTMLInputElement) {
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }
    if (option === undefined) return;
    const before = selectedOptions(el);
    const multi = el.dataset.multi !== undefined;
    const max = Number(el.dataset.maxSelected ?? Number.POSITIVE_INFINITY);
    if (multi && before.some((o) => o.value === option.value)) return;
    if (multi && before.length >= max) return;
    setSelection(el, multi ? [...before, option] : [option]);
    if (multi && input instanceof HTMLInputElement) input.value = '';
    if (dispatches(el))
      act(
        el,
        () => stateOf(el),
        () => setSelection(el, before),
      );
  }

  return () => {
    controller.abort();
    wired.delete(root);
  };
}

/** Closes every open overflow menu under `root`. @param {ParentNode} root */
function closeMenus(root) {
  for (const menu of root.querySelectorAll('.bk-menu:not([hidden])')) {
    if (menu instanceof HTMLElement) menu.hidden = true;
    menu.previousElementSibling?.setAttribute('aria-expanded', 'false');
  }
}
