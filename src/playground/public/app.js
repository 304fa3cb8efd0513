// @ts-check
// The Playground's page script: keeps the screen live (server-sent events), and sends what the
// person presses, chooses or types to /playground/interact, where the server builds the payload
// Slack would send and posts it, signed, to the app's Bolt receiver. No bundler: served as is.

import { readState, showErrors, wireInteractions } from './block-kit.js';
import { wireServicePanel } from './service-panel.js';

const body = document.body;
/** @type {{ users: { id: string, name: string }[], conversations: { id: string, name: string }[] }} */
const directory = JSON.parse(body.dataset.directory ?? '{"users":[],"conversations":[]}');
const state = {
  as: body.dataset.as ?? '',
  at: body.dataset.at ?? 'C0APPROVAL',
  thread: body.dataset.thread ?? '',
};

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

function query() {
  const params = new URLSearchParams({ as: state.as, c: state.at });
  if (state.thread) params.set('t', state.thread);
  return params.toString();
}

/**
 * @param {string} url
 * @param {unknown} payload
 * @param {string} [method]
 */
async function send(url, payload, method = 'POST') {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.message ?? answer.error ?? `HTTP ${response.status}`);
  return answer;
}

/** @param {Record<string, unknown>} interaction */
function interact(interaction) {
  return send('/playground/interact', { as: state.as, ...interaction });
}

let refreshing = Promise.resolve();
let again = false;
/** Fetches the person's screen and puts it in place (one at a time; a change during a fetch fetches again). */
function refresh() {
  again = true;
  refreshing = refreshing.then(async () => {
    while (again) {
      again = false;
      const response = await fetch(`/playground/screen?${query()}`);
      if (!response.ok) continue;
      const screen = await response.json();
      // A confirm dialog is open on a message: replacing it would close it under the person's cursor.
      const open = document.querySelector('dialog[open]');
      if (open !== null) {
        await new Promise((resolve) => open.addEventListener('close', resolve, { once: true }));
        again = true;
        continue;
      }
      apply(screen);
    }
  });
  return refreshing;
}

/** Where the keyboard was before a modal opened, to go back there when it closes. @type {HTMLElement | undefined} */
let returnFocus;

/** @param {Record<string, string>} screen */
function apply(screen) {
  $('pg-sidebar').innerHTML = screen.sidebar;
  $('pg-title').innerHTML = screen.title;
  const messages = $('pg-messages');
  const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
  messages.innerHTML = screen.main;
  if (atBottom) messages.scrollTop = messages.scrollHeight;
  const thread = $('pg-thread');
  thread.innerHTML = screen.thread;
  thread.hidden = screen.thread === '';
  const modal = $('pg-modal');
  const shown = modal.querySelector('[data-view-id]');
  const before = shown?.getAttribute('data-view-id');
  const incoming = document.createElement('template');
  incoming.innerHTML = screen.modal;
  const next = incoming.content.querySelector('[data-view-id]');
  // The same view, unchanged: keep what the person typed and the errors shown under the fields.
  const same =
    shown !== null &&
    next !== null &&
    next.getAttribute('data-view-id') === before &&
    next.getAttribute('data-hash') === shown.getAttribute('data-hash');
  if (!same) {
    modal.innerHTML = screen.modal;
    modal.hidden = screen.modal === '';
  }
  $('pg-presence').innerHTML = screen.presence;
  $('pg-composer').hidden = state.at === 'home';
  const key = /** @type {HTMLInputElement} */ ($('pg-key'));
  if (screen.apiKey && key.value === '') key.value = screen.apiKey;
  wire();
  const now = modal.querySelector('[data-view-id]')?.getAttribute('data-view-id');
  if (now && now !== before) {
    // A modal opens: remember where the person was, and move them into it.
    if (!before && document.activeElement instanceof HTMLElement) returnFocus = document.activeElement;
    /** @type {HTMLElement | null} */ (modal.querySelector('input, textarea, select, button'))?.focus();
  } else if (!now && before) {
    // The modal closed: back where the person was (the element, or its place if the screen replaced it).
    const back = returnFocus?.isConnected ? returnFocus : document.getElementById(returnFocus?.id || 'pg-text');
    (back ?? $('pg-messages')).focus();
    returnFocus = undefined;
  }
  document.dispatchEvent(new CustomEvent('playground:screen'));
}

/** Connects every message, the Home view and the modal to the server. */
function wire() {
  for (const article of document.querySelectorAll('article.pg-msg')) {
    const el = /** @type {HTMLElement} */ (article);
    const container = {
      type: el.dataset.ephemeral === 'true' ? 'ephemeral' : 'message',
      channel: el.dataset.channel,
      ts: el.dataset.ts,
    };
    wireInteractions(el, {
      onAction: (/** @type {Record<string, unknown>} */ action) => act({ kind: 'block_actions', container, action }),
      onSuggest: (/** @type {Record<string, unknown>} */ field) => suggest(container, field),
    });
  }
  for (const root of document.querySelectorAll('.pg-home[data-view-id], .pg-modal[data-view-id]')) {
    const el = /** @type {HTMLElement} */ (root);
    const container = { type: 'view', view_id: el.dataset.viewId };
    wireInteractions(el, {
      onAction: (/** @type {Record<string, unknown>} */ action) =>
        act({ kind: 'block_actions', container, action, state: readState(el) }),
      onSuggest: (/** @type {Record<string, unknown>} */ field) => suggest(container, field),
    });
  }
  const modal = /** @type {HTMLElement | null} */ (document.querySelector('.pg-modal[data-view-id]'));
  if (modal) wireModal(modal);
}

/**
 * @param {Record<string, unknown>} container
 * @param {Record<string, unknown>} field
 */
async function suggest(container, field) {
  // User and conversation pickers list the workspace's people and channels: Slack answers them, not the app.
  const kind =
    field.type === 'users_select'
      ? 'users'
      : /^(conversations|channels)_select$/.test(String(field.type))
        ? 'conversations'
        : undefined;
  if (kind !== undefined) {
    const needle = String(field.value ?? '')
      .toLowerCase()
      .replace(/^[#@]/, '');
    /** @type {{ id: string, name: string }[]} */
    const entries = directory[kind];
    const options = entries
      .filter((entry) => entry.name.toLowerCase().replace(/^#/, '').includes(needle))
      .map((entry) => ({ text: { type: 'plain_text', text: entry.name }, value: entry.id }));
    return { options };
  }
  const answer = await interact({
    kind: 'block_suggestion',
    container,
    action_id: field.action_id,
    block_id: field.block_id,
    value: field.value ?? '',
  });
  return { options: answer.options, option_groups: answer.option_groups };
}

/** @param {Record<string, unknown>} interaction */
async function act(interaction) {
  try {
    await interact(interaction);
  } catch (error) {
    showError(String(error instanceof Error ? error.message : error));
  }
}

/** @param {string} message */
function showError(message) {
  $('pg-composer-error').textContent = message;
}

/** Modals already wired: an unchanged modal is kept across refreshes, with its listeners. */
const wiredModals = new WeakSet();

/** Submit and Close of the open modal: view_submission with the state read from the form, or view_closed. */
/** @param {HTMLElement} modal */
function wireModal(modal) {
  if (wiredModals.has(modal)) return;
  wiredModals.add(modal);
  const viewId = modal.dataset.viewId;
  const form = modal.querySelector('form') ?? modal;
  const submit = /** @type {HTMLElement | null} */ (
    modal.querySelector('[data-view-submit], .bk-modal-submit, button[type=submit]')
  );
  const close = /** @type {HTMLElement | null} */ (modal.querySelector('[data-view-close], .bk-modal-close'));
  const onSubmit = async (/** @type {Event} */ event) => {
    event.preventDefault();
    for (const old of modal.querySelectorAll('.pg-field-error')) old.remove();
    showErrors(modal, {});
    const values = readState(modal);
    try {
      const answer = await interact({ kind: 'view_submission', view_id: viewId, state: values });
      if (answer.errors) {
        showErrors(modal, answer.errors);
        // An error for a block that is not an input has no slot there: show it under the form.
        const placed = new Set(
          [...modal.querySelectorAll('.bk-input[data-block-id]')].map((b) => b.getAttribute('data-block-id')),
        );
        const rest = Object.fromEntries(Object.entries(answer.errors).filter(([id]) => !placed.has(id)));
        if (Object.keys(rest).length > 0) showFieldErrors(modal, rest);
      }
    } catch (error) {
      showFieldErrors(modal, { '': String(error instanceof Error ? error.message : error) });
    }
  };
  if (form instanceof HTMLFormElement) form.addEventListener('submit', onSubmit);
  else submit?.addEventListener('click', onSubmit);
  close?.addEventListener('click', async (event) => {
    event.preventDefault();
    await act({ kind: 'view_closed', view_id: viewId, state: readState(modal) });
  });
  modal.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close?.click();
  });
}

/**
 * `response_action: errors`: each message under the input block it names, as Slack shows it.
 * @param {HTMLElement} modal
 * @param {Record<string, string>} errors
 */
function showFieldErrors(modal, errors) {
  for (const [blockId, message] of Object.entries(errors)) {
    const block = blockId === '' ? null : modal.querySelector(`[data-block-id="${CSS.escape(blockId)}"]`);
    const note = document.createElement('p');
    note.className = 'pg-field-error';
    note.setAttribute('role', 'alert');
    note.textContent = message;
    (block ?? modal).append(note);
  }
}

/** @param {string} at */
async function go(at) {
  state.at = at;
  state.thread = '';
  history.replaceState(null, '', `/playground?${query()}`);
  if (at === 'home') await act({ kind: 'app_home_opened' });
  await refresh();
}

document.addEventListener('click', async (event) => {
  const target = /** @type {HTMLElement} */ (event.target);
  // The app links to cards as Slack's archive URLs; like Slack's own client, open them here.
  const archive = target.closest('a[href^="https://slack.com/archives/"]');
  const found = /\/archives\/([A-Z0-9]+)\/p\d+/.exec(archive?.getAttribute('href') ?? '');
  if (found?.[1]) {
    event.preventDefault();
    await go(found[1]);
    return;
  }
  const link = target.closest('[data-go]');
  if (link) {
    event.preventDefault();
    await go(link.getAttribute('data-go') ?? 'C0APPROVAL');
    return;
  }
  const open = target.closest('[data-open-thread]');
  if (open) {
    state.thread = open.getAttribute('data-open-thread') ?? '';
    history.replaceState(null, '', `/playground?${query()}`);
    await refresh();
    return;
  }
  if (target.closest('[data-close-thread]')) {
    state.thread = '';
    history.replaceState(null, '', `/playground?${query()}`);
    await refresh();
  }
});

document.addEventListener('change', async (event) => {
  const target = /** @type {HTMLInputElement} */ (event.target);
  if (target.dataset.presence) await send(`/playground/people/${target.dataset.presence}`, { away: target.checked });
  if (target.dataset.dnd) await send(`/playground/people/${target.dataset.dnd}`, { dnd: target.checked });
});

$('pg-person').addEventListener('change', async (event) => {
  state.as = /** @type {HTMLSelectElement} */ (event.target).value;
  body.dataset.as = state.as;
  connect();
  await go(state.at.startsWith('D') ? 'C0APPROVAL' : state.at);
});

$('pg-composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('pg-text'));
  const text = input.value.trim();
  showError('');
  if (!text.startsWith('/')) {
    showError('Only slash commands reach Greenlight here: try /request-action');
    return;
  }
  try {
    await interact({ kind: 'command', channel: state.at, text });
    input.value = '';
  } catch (error) {
    showError(String(error instanceof Error ? error.message : error));
  }
});

$('pg-reset').addEventListener('click', async () => {
  if (!confirm('Clear every request, rule and message of the demo and seed it again?')) return;
  const answer = await send('/playground/state', undefined, 'DELETE');
  /** @type {HTMLInputElement} */ ($('pg-key')).value = answer.apiKey ?? '';
  await go('C0APPROVAL');
});

wireServicePanel(body.dataset.origin ?? '');

/** @type {EventSource | undefined} */
let events;
function connect() {
  events?.close();
  events = new EventSource(`/playground/events?as=${encodeURIComponent(state.as)}`);
  events.addEventListener('change', () => {
    refresh();
  });
  events.addEventListener('open', () => {
    body.dataset.live = 'true';
  });
}
connect();
wire();
if (state.at === 'home') await act({ kind: 'app_home_opened' });
