import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { renderBlocks, renderView } from '../../../../src/playground/render/index.ts';
import { demoContext } from './context.ts';

/** The page block-kit-browser.test.ts drives: a modal with every input element, wired by block-kit.js. */

const PUBLIC = fileURLToPath(new URL('../../../../src/playground/public/', import.meta.url));
const ORIGIN = 'http://block-kit.test';
export const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
export const option = (text: string, value: string) => ({ text: plain(text), value });
const input = (id: string, label: string, element: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'input',
  block_id: id,
  label: plain(label),
  element: { action_id: id, ...element },
  ...extra,
});

export const RISKS = [option('Low', 'low'), option('High', 'high'), option('Critical', 'critical')];
export const DAYS = [option('Mon', '1'), option('Tue', '2'), option('Wed', '3')];
const CONFIRM = {
  title: plain('Approve a critical action?'),
  text: { type: 'mrkdwn', text: 'You are approving `db.drop_table`.' },
  confirm: plain('Approve'),
  deny: plain('Cancel'),
  style: 'primary',
};

const VIEW = {
  type: 'modal',
  callback_id: 'every_element',
  title: plain('Every element'),
  submit: plain('Submit'),
  blocks: [
    input('reason', 'Reason', { type: 'plain_text_input', multiline: true }),
    input('name', 'Name', { type: 'plain_text_input', initial_value: 'deploy-bot', min_length: 3, max_length: 20 }),
    input('empty', 'Left empty', { type: 'plain_text_input' }, { optional: true }),
    input('count', 'Count', { type: 'number_input', is_decimal_allowed: false, min_value: '1' }),
    input('email', 'Email', { type: 'email_text_input' }),
    input('risk', 'Risk', { type: 'static_select', options: RISKS, initial_option: RISKS[0] }),
    input('envs', 'Environments', { type: 'multi_static_select', options: RISKS }),
    input('group', 'Group', { type: 'external_select', min_query_length: 1 }),
    input('groups', 'Groups', { type: 'multi_external_select', min_query_length: 0 }),
    input('who', 'Approver', { type: 'users_select' }),
    input('whom', 'Approvers', { type: 'multi_users_select', initial_users: ['U0APPROVA1'] }),
    input('where', 'Channel', { type: 'conversations_select' }),
    input('chan', 'Other channel', { type: 'channels_select', initial_channel: 'C0APPROVAL' }),
    input('days', 'Days', { type: 'checkboxes', options: DAYS, initial_options: [DAYS[0]] }),
    input('verdict', 'Verdict', { type: 'radio_buttons', options: DAYS }),
    input('day', 'Day', { type: 'datepicker' }),
    input('time', 'Time', { type: 'timepicker', initial_time: '09:00' }),
    input('at', 'When', { type: 'datetimepicker' }),
    input('live', 'Dispatching select', { type: 'static_select', options: RISKS }, { dispatch_action: true }),
    input('search', 'Dispatching text', { type: 'plain_text_input' }, { dispatch_action: true }),
    {
      type: 'section',
      block_id: 'scope',
      text: { type: 'mrkdwn', text: 'Scope' },
      accessory: {
        type: 'static_select',
        action_id: 'scope',
        options: RISKS,
        initial_option: RISKS[0],
        confirm: CONFIRM,
      },
    },
    {
      type: 'actions',
      block_id: 'decision',
      elements: [
        {
          type: 'button',
          action_id: 'approve_request',
          text: plain('Approve'),
          value: 'r1',
          style: 'primary',
          confirm: CONFIRM,
        },
        { type: 'overflow', action_id: 'more', options: [option('Edit', 'edit'), option('Delete', 'delete')] },
      ],
    },
  ],
};

/** Options the page's onSuggest answers with, per picker type (people and channels by id, as Slack's pickers hold). */
export const SUGGESTIONS = {
  external_select: [option('@approvers', 'S0APPROVER'), option('@oncall', 'S0ONCALL01')],
  users_select: [option('Ana', 'U0APPROVA1'), option('Bo', 'U0APPROVB1')],
  conversations_select: [option('#approvals', 'C0APPROVAL'), option('#incidents', 'C0INCIDENT')],
};

function page(html: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Block Kit</title>
<link rel="stylesheet" href="/block-kit.css"></head><body>${html}
<script type="module">
import { checkInputs, readState, showErrors, wireInteractions } from '/block-kit.js';
const suggestions = ${JSON.stringify(SUGGESTIONS)};
window.actions = [];
window.suggests = [];
window.readState = () => readState(document.body);
window.showErrors = (errors) => showErrors(document.body, errors);
window.checkInputs = () => checkInputs(document.body);
wireInteractions(document.body, {
  onAction: (action) => { window.actions.push(action); },
  onSuggest: async (request) => {
    window.suggests.push(request);
    const all = suggestions[request.type] ?? [];
    return { options: all.filter((o) => o.text.text.toLowerCase().includes(request.value.toLowerCase())) };
  },
});
// Like a page whose modal closes on Escape, listening on the same element after the script.
window.escapes = 0;
document.body.addEventListener('keydown', (event) => { if (event.key === 'Escape') window.escapes += 1; });
window.ready = true;
</script></body></html>`;
}

/**
 * Opens the page in a new tab of `browser` (scripts and styles served from src/playground/public, in
 * UTC) and returns it once the script is wired, with the errors the page threw.
 */
export async function openPage(browser: Browser): Promise<{ tab: Page; errors: string[] }> {
  const tab = await browser.newPage({ timezoneId: 'UTC' });
  // A picker whose people the server lists (RenderContext.users), filtered in the page without onSuggest.
  const listed = renderBlocks(
    [input('local', 'Listed people', { type: 'users_select' })],
    demoContext({
      surface: 'modal',
      users: () => [
        { id: 'U0APPROVA1', name: 'Ana' },
        { id: 'U0ADMIN01', name: 'Omar' },
      ],
    }),
  );
  const html = page(renderView(VIEW, demoContext({ surface: 'modal' })) + listed);
  await tab.route(`${ORIGIN}/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.slice(1);
    if (name === '') return route.fulfill({ contentType: 'text/html', body: html });
    if (!/^[a-z-]+\.(js|css)$/.test(name)) return route.fulfill({ status: 404 });
    const body = await readFile(path.join(PUBLIC, name), 'utf8');
    return route.fulfill({ contentType: name.endsWith('.js') ? 'text/javascript' : 'text/css', body });
  });
  const errors: string[] = [];
  tab.on('pageerror', (error) => errors.push(String(error)));
  await tab.goto(`${ORIGIN}/`);
  await tab.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
  return { tab, errors };
}
