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
 * - `checkInputs(root)`: what Slack's client refuses before a submission, as errors for showErrors.
 */

import { comboboxes } from './block-kit-combo.js';
import {
  blockOf,
  dispatches,
  elementOf,
  optionOf,
  parse,
  STATEFUL,
  selectedOptions,
  stateOf,
} from './block-kit-state.js';

export { checkInputs, readState, showErrors } from './block-kit-state.js';

/** @typedef {import('./block-kit-state.js').TextObject} TextObject */
/** @typedef {import('./block-kit-state.js').BkOption} BkOption */
/** @typedef {{ options?: BkOption[], option_groups?: { label: TextObject, options: BkOption[] }[] }} Suggestions */
/** @typedef {{ action_id: string, block_id: string, value: string, type: string }} SuggestRequest */
/** @typedef {Record<string, unknown> & { action_id: string, block_id: string, type: string, action_ts: string }} BlockAction */
/**
 * @typedef {{
 *   onAction: (action: BlockAction) => void | Promise<void>,
 *   onSuggest?: (request: SuggestRequest) => Promise<Suggestions>,
 * }} Handlers
 */

const wired = new WeakSet();

/** Slack's action_ts: seconds since the epoch with microseconds. */
function actionTs() {
  return (Date.now() / 1000).toFixed(6);
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
    /** @param {MouseEvent} event */
    const onClick = (event) => {
      const choice = event.target instanceof Element ? event.target.closest('[data-confirm]') : null;
      if (choice instanceof HTMLElement) dialog.close(choice.dataset.confirm);
    };
    // Escape closes the dialog with an empty return value: the person backed out. It stops here, so a
    // modal around the element does not take the same Escape as its own and close too.
    /** @param {KeyboardEvent} event */
    const onKey = (event) => {
      if (event.key === 'Escape') event.stopPropagation();
    };
    dialog.addEventListener('click', onClick);
    dialog.addEventListener('keydown', onKey);
    dialog.addEventListener(
      'close',
      () => {
        dialog.removeEventListener('click', onClick);
        dialog.removeEventListener('keydown', onKey);
        resolve(dialog.returnValue === 'confirm');
      },
      { once: true },
    );
    dialog.showModal();
  });
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
  const { suggest, comboKey, setSelection, choose } = comboboxes(handlers, act);

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

  /**
   * Remembers what a stateful element holds before a change, so a denied confirm can put it back:
   * for what is on the page now, and for what arrives later once it is touched or focused.
   * @param {HTMLElement | undefined} el
   */
  const remember = (el) => {
    if (el !== undefined && STATEFUL.has(el.dataset.bkType ?? '') && el.dataset.before === undefined) {
      el.dataset.before = JSON.stringify(stateOf(el));
    }
  };
  for (const node of root.querySelectorAll('[data-bk-type]')) remember(/** @type {HTMLElement} */ (node));
  root.addEventListener('pointerdown', (event) => remember(elementOf(event.target)), { signal, capture: true });
  root.addEventListener(
    'focusin',
    (event) => {
      const el = elementOf(event.target);
      remember(el);
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
      // Escape that closes a menu is spent: the modal around it (if any) stays open.
      if (event.key === 'Escape' && closeMenus(root)) {
        event.stopImmediatePropagation();
        return;
      }
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

  return () => {
    controller.abort();
    wired.delete(root);
  };
}

/** Closes every open overflow menu under `root`; true when one was open. @param {ParentNode} root */
function closeMenus(root) {
  const open = [...root.querySelectorAll('.bk-menu:not([hidden])')];
  for (const menu of open) {
    if (menu instanceof HTMLElement) menu.hidden = true;
    const toggle = menu.previousElementSibling;
    toggle?.setAttribute('aria-expanded', 'false');
    if (toggle instanceof HTMLElement && menu.contains(document.activeElement)) toggle.focus();
  }
  return open.length > 0;
}
