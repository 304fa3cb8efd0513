import type { RenderContext } from './context.ts';
import { attrs, escapeHtml, isObject, jsonAttr, safeUrl, str, unsupported } from './html.ts';
import { plainChars, plainHtml, renderTextObject, textOf } from './mrkdwn.ts';

/*
 * Interactive elements (https://docs.slack.dev/reference/block-kit/block-elements). The root node of
 * each element carries `data-bk-type` (the element type) and `data-action-id`; options carry their
 * original JSON in `data-option` so the browser script sends back exactly what the app sent, as
 * Slack does. Slack's pickers of users and channels search the workspace: here they are comboboxes
 * that filter the choices the context lists (`users()`, `channels()`, in `data-choices`) or, when it
 * lists none, ask the page (`onSuggest` with the picker's type) for matches, like external_select.
 */

/** Where an element sits: its block, whether in an input block (label target), and a page-unique id. */
export interface ElementPlace {
  blockId: string;
  id: string;
}

type Json = Record<string, unknown>;

let idCounter = 0;
/** A page-unique id for labels and radio groups (a counter: unique within one server process). */
export function nextId(): string {
  idCounter += 1;
  return `bk${idCounter}`;
}

function common(el: Json, extra: Record<string, string | number | boolean | undefined> = {}): string {
  return attrs({ 'data-bk-type': str(el.type), 'data-action-id': str(el.action_id), ...extra });
}

function placeholderOf(el: Json): string | undefined {
  return isObject(el.placeholder) ? textOf(el.placeholder) : undefined;
}

/**
 * A confirm object as an inline <dialog> the browser script opens before acting (right after the
 * element). Its buttons are plain buttons carrying `data-confirm`, not a `<form method="dialog">`:
 * a modal is itself a form, and HTML drops a form nested in a form, so they would submit the modal.
 */
export function renderConfirm(confirm: unknown, ctx: RenderContext): string {
  if (!isObject(confirm)) return '';
  const style = confirm.style === 'danger' ? 'danger' : 'primary';
  return (
    `<dialog class="bk-confirm"${attrs({ 'aria-label': textOf(confirm.title) })}>` +
    `<h2 class="bk-confirm-title">${plainHtml(confirm.title)}</h2>` +
    `<div class="bk-confirm-text">${renderTextObject(confirm.text, ctx)}</div>` +
    `<div class="bk-confirm-buttons">` +
    `<button type="button" data-confirm="deny" class="bk-button">${textOf(confirm.deny) ? plainHtml(confirm.deny) : 'Cancel'}</button>` +
    `<button type="button" data-confirm="confirm" class="bk-button bk-button--${style}">${textOf(confirm.confirm) ? plainHtml(confirm.confirm) : 'Yes'}</button>` +
    `</div></dialog>`
  );
}

function button(el: Json, ctx: RenderContext): string {
  const style = el.style === 'primary' || el.style === 'danger' ? el.style : undefined;
  const url = safeUrl(el.url);
  return (
    `<button type="button" class="bk-button${style ? ` bk-button--${style}` : ''}"` +
    common(el, {
      'data-value': str(el.value),
      'data-style': style,
      'data-url': url,
      'data-text': isObject(el.text) ? jsonAttr(el.text) : undefined,
      'aria-label': str(el.accessibility_label),
    }) +
    `>${plainHtml(el.text)}</button>${renderConfirm(el.confirm, ctx)}`
  );
}

function optionsOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function overflow(el: Json, ctx: RenderContext): string {
  const items = optionsOf(el.options)
    .map(
      (o) =>
        `<button type="button" role="menuitem" class="bk-menu-item"${attrs({ 'data-option': jsonAttr(o), 'data-url': safeUrl(o.url) })}>${plainHtml(o.text)}</button>`,
    )
    .join('');
  return (
    `<div class="bk-overflow"${common(el)}>` +
    `<button type="button" class="bk-overflow-toggle" aria-haspopup="menu" aria-expanded="false" aria-label="More actions">⋯</button>` +
    `<div class="bk-menu" role="menu" hidden>${items}</div></div>${renderConfirm(el.confirm, ctx)}`
  );
}

function sameOption(a: Json, b: unknown): boolean {
  return isObject(b) && a.value === b.value;
}

function staticSelect(el: Json, place: ElementPlace, ctx: RenderContext): string {
  const multi = el.type === 'multi_static_select';
  const initial = multi ? optionsOf(el.initial_options) : isObject(el.initial_option) ? [el.initial_option] : [];
  const option = (o: Json) =>
    `<option${attrs({ value: str(o.value) ?? '', 'data-option': jsonAttr(o), selected: initial.some((i) => sameOption(o, i)) })}>${escapeHtml(plainChars(o.text))}</option>`;
  const groups = optionsOf(el.option_groups)
    .map(
      (g) =>
        `<optgroup label="${escapeHtml(plainChars(g.label))}">${optionsOf(g.options).map(option).join('')}</optgroup>`,
    )
    .join('');
  const placeholder = placeholderOf(el) ?? 'Select an item';
  const first = multi
    ? ''
    : `<option value=""${attrs({ disabled: true, selected: initial.length === 0 })}>${escapeHtml(placeholder)}</option>`;
  return `<select class="bk-select" id="${place.id}"${common(el, {
    multiple: multi,
    'data-max-selected': typeof el.max_selected_items === 'number' ? el.max_selected_items : undefined,
    'aria-label': multi ? placeholder : undefined,
  })}>${first}${optionsOf(el.options).map(option).join('')}${groups}</select>${renderConfirm(el.confirm, ctx)}`;
}

/** The options already chosen in a picker (names looked up for users and conversations). */
function chosen(el: Json, ctx: RenderContext): Json[] {
  const asOption = (id: unknown, name: (id: string) => string | undefined, sigil: string): Json[] =>
    typeof id === 'string' ? [{ text: { type: 'plain_text', text: `${sigil}${name(id) ?? id}` }, value: id }] : [];
  const many = (ids: unknown, name: (id: string) => string | undefined, sigil: string) =>
    Array.isArray(ids) ? ids.flatMap((id) => asOption(id, name, sigil)) : [];
  const user = (id: string) => ctx.userName(id);
  const channel = (id: string) => ctx.channelName(id);
  switch (el.type) {
    case 'external_select':
      return isObject(el.initial_option) ? [el.initial_option] : [];
    case 'multi_external_select':
      return optionsOf(el.initial_options);
    case 'users_select':
      return asOption(el.initial_user, user, '');
    case 'multi_users_select':
      return many(el.initial_users, user, '');
    case 'conversations_select':
      return asOption(el.initial_conversation, channel, '#');
    case 'multi_conversations_select':
      return many(el.initial_conversations, channel, '#');
    case 'channels_select':
      return asOption(el.initial_channel, channel, '#');
    default:
      return many(el.initial_channels, channel, '#');
  }
}

const chip = (o: Json) =>
  `<span class="bk-chip" data-option="${escapeHtml(jsonAttr(o))}">${escapeHtml(plainChars(o.text))}` +
  `<button type="button" class="bk-chip-remove" aria-label="Remove ${escapeHtml(plainChars(o.text))}">×</button></span>`;

/** The choices of a user or conversation picker when the context lists them (else the page is asked). */
function choicesOf(type: string, ctx: RenderContext): Json[] | undefined {
  const option = (id: string, text: string) => ({ text: { type: 'plain_text', text }, value: id });
  if (type.endsWith('users_select')) return ctx.users?.().map((u) => option(u.id, u.name));
  if (type.endsWith('conversations_select') || type.endsWith('channels_select')) {
    return ctx.channels?.().map((c) => option(c.id, `#${c.name}`));
  }
  return undefined;
}

function combobox(el: Json, place: ElementPlace, ctx: RenderContext): string {
  const type = str(el.type) ?? '';
  const multi = type.startsWith('multi_');
  const selected = chosen(el, ctx);
  const single = multi ? undefined : selected[0];
  const choices = choicesOf(type, ctx);
  return (
    `<div class="bk-combo"${common(el, {
      'data-multi': multi,
      'data-selected': jsonAttr(selected),
      'data-choices': choices === undefined ? undefined : jsonAttr(choices),
      'data-min-query-length': typeof el.min_query_length === 'number' ? el.min_query_length : undefined,
      'data-max-selected': typeof el.max_selected_items === 'number' ? el.max_selected_items : undefined,
    })}>` +
    (multi ? `<span class="bk-chips">${selected.map(chip).join('')}</span>` : '') +
    `<input type="text" class="bk-combo-input" role="combobox" aria-autocomplete="list" aria-expanded="false" autocomplete="off"${attrs(
      {
        id: place.id,
        'aria-controls': `${place.id}-list`,
        placeholder: placeholderOf(el) ?? 'Select an item',
        value: single ? textOf(single.text) : undefined,
      },
    )}>` +
    `<ul class="bk-listbox" role="listbox" id="${place.id}-list" hidden></ul></div>${renderConfirm(el.confirm, ctx)}`
  );
}

function choices(el: Json, place: ElementPlace, ctx: RenderContext): string {
  const radio = el.type === 'radio_buttons';
  const initial = radio ? (isObject(el.initial_option) ? [el.initial_option] : []) : optionsOf(el.initial_options);
  const items = optionsOf(el.options)
    .map((o) => {
      const description = isObject(o.description)
        ? `<span class="bk-choice-description">${renderTextObject(o.description, ctx)}</span>`
        : '';
      return `<label class="bk-choice"><input${attrs({
        type: radio ? 'radio' : 'checkbox',
        name: radio ? place.id : undefined,
        value: str(o.value) ?? '',
        'data-option': jsonAttr(o),
        checked: initial.some((i) => sameOption(o, i)),
      })}><span class="bk-choice-text">${renderTextObject(o.text, ctx)}${description}</span></label>`;
    })
    .join('');
  return `<div class="bk-choices" role="${radio ? 'radiogroup' : 'group'}" id="${place.id}"${common(el)}>${items}</div>${renderConfirm(el.confirm, ctx)}`;
}

/** An epoch as the value of a datetime-local input in `timeZone`. */
function localDateTime(epochSeconds: number, timeZone: string): string | undefined {
  const date = new Date(epochSeconds * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

function picker(el: Json, place: ElementPlace, ctx: RenderContext): string {
  const base = { id: place.id, placeholder: placeholderOf(el) };
  let input: string;
  if (el.type === 'datepicker') {
    input = attrs({ type: 'date', class: 'bk-date-input', ...base, value: str(el.initial_date) });
  } else if (el.type === 'timepicker') {
    input = attrs({
      type: 'time',
      class: 'bk-time-input',
      ...base,
      value: str(el.initial_time),
      'data-timezone': str(el.timezone),
    });
  } else {
    const timeZone = ctx.timeZone ?? 'UTC';
    const initial =
      typeof el.initial_date_time === 'number' ? localDateTime(el.initial_date_time, timeZone) : undefined;
    input = attrs({
      type: 'datetime-local',
      class: 'bk-datetime-input',
      ...base,
      value: initial,
      'data-time-zone': timeZone,
    });
  }
  return `<input${input}${common(el)}>${renderConfirm(el.confirm, ctx)}`;
}

function textInput(el: Json, place: ElementPlace): string {
  const dispatch = isObject(el.dispatch_action_config) ? el.dispatch_action_config.trigger_actions_on : undefined;
  const shared = {
    id: place.id,
    class: 'bk-text-input',
    placeholder: placeholderOf(el),
    'data-trigger': Array.isArray(dispatch) ? dispatch.join(' ') : undefined,
    autofocus: el.focus_on_load === true,
  };
  if (el.type === 'plain_text_input' && el.multiline === true) {
    return `<textarea${attrs({
      ...shared,
      rows: 4,
      minlength: typeof el.min_length === 'number' ? el.min_length : undefined,
      maxlength: typeof el.max_length === 'number' ? el.max_length : undefined,
    })}${common(el)}>${escapeHtml(str(el.initial_value) ?? '')}</textarea>`;
  }
  const type = ({ email_text_input: 'email', url_text_input: 'url', number_input: 'number' } as Json)[String(el.type)];
  const decimal = el.is_decimal_allowed === true;
  return `<input${attrs({
    ...shared,
    type: str(type) ?? 'text',
    value: str(el.initial_value),
    minlength: typeof el.min_length === 'number' ? el.min_length : undefined,
    maxlength: typeof el.max_length === 'number' ? el.max_length : undefined,
    min: el.type === 'number_input' ? str(el.min_value) : undefined,
    max: el.type === 'number_input' ? str(el.max_value) : undefined,
    step: el.type === 'number_input' ? (decimal ? 'any' : '1') : undefined,
    inputmode: el.type === 'number_input' ? (decimal ? 'decimal' : 'numeric') : undefined,
    'data-decimal': el.type === 'number_input' ? decimal : undefined,
  })}${common(el)}>`;
}

/** An image element (context blocks, section accessories); only http(s) sources are loaded. */
export function renderImageElement(el: Json): string {
  const src = safeUrl(el.image_url);
  const alt = str(el.alt_text) ?? '';
  if (src === undefined || src.startsWith('mailto:')) return `<span class="bk-image-missing">${escapeHtml(alt)}</span>`;
  return `<img class="bk-image-el"${attrs({ src, alt, loading: 'lazy' })}>`;
}

/** Any element of an actions block, a section accessory or an input block. */
export function renderElement(element: unknown, place: ElementPlace, ctx: RenderContext): string {
  if (!isObject(element)) return unsupported(typeof element);
  switch (element.type) {
    case 'button':
      return button(element, ctx);
    case 'overflow':
      return overflow(element, ctx);
    case 'static_select':
    case 'multi_static_select':
      return staticSelect(element, place, ctx);
    case 'external_select':
    case 'multi_external_select':
    case 'users_select':
    case 'multi_users_select':
    case 'conversations_select':
    case 'multi_conversations_select':
    case 'channels_select':
    case 'multi_channels_select':
      return combobox(element, place, ctx);
    case 'checkboxes':
    case 'radio_buttons':
      return choices(element, place, ctx);
    case 'datepicker':
    case 'timepicker':
    case 'datetimepicker':
      return picker(element, place, ctx);
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return textInput(element, place);
    case 'image':
      return renderImageElement(element);
    default:
      return unsupported(element.type);
  }
}
