// @ts-check
/**
 * Comboboxes: external_select and the user and conversation pickers, single or multi. Typing asks
 * the page for matching options (`onSuggest`, like Slack's block_suggestion); a choice is kept as
 * option JSON in `data-selected` and, where the element dispatches, sent as an action.
 */
import { blockOf, dispatches, optionOf, parse, selectedOptions, stateOf } from './block-kit-state.js';

/** @typedef {import('./block-kit-state.js').BkOption} BkOption */
/** @typedef {import('./block-kit.js').Suggestions} Suggestions */
/** @typedef {import('./block-kit.js').Handlers} Handlers */

/**
 * The combobox behaviour for one wired root.
 * @param {Handlers} handlers
 * @param {(el: HTMLElement, fields: () => Record<string, unknown>, undo?: () => void) => void} act
 */
export function comboboxes(handlers, act) {
  let suggestion = 0;
  /** @param {HTMLElement} el @param {string} value */
  function suggest(el, value) {
    const type = el.dataset.bkType ?? '';
    const min = Number(el.dataset.minQueryLength ?? (type.includes('external') ? 3 : 0));
    const list = el.querySelector('.bk-listbox');
    const input = el.querySelector('.bk-combo-input');
    if (!(list instanceof HTMLElement) || !(input instanceof HTMLInputElement)) return;
    const choices = /** @type {BkOption[] | undefined} */ (parse(el.dataset.choices));
    if (choices !== undefined) {
      // The server listed the people or conversations: filter them here, as Slack's own pickers do.
      const query = value.trim().toLowerCase();
      const matches = choices.filter((o) =>
        (o.text?.text ?? '').toLowerCase().replace(/^[#@]/, '').includes(query.replace(/^[#@]/, '')),
      );
      showSuggestions(el, list, input, { options: matches });
      return;
    }
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
      // Spent on the list: the modal around the picker (if any) stays open.
      event.stopImmediatePropagation();
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

  return { suggest, comboKey, setSelection, choose };
}
