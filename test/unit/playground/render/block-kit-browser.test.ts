import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBlocks, renderView } from '../../../../src/playground/render/index.ts';
import { demoContext } from './context.ts';

/*
 * The browser script in a real browser (Debian's chromium driven by playwright-core): a modal with
 * every input element, rendered by the server-side renderer, is filled in by keyboard and mouse;
 * readState must give exactly the view.state.values Slack would send, and a button with a confirm
 * dialog must send nothing when denied and Slack's block_actions action when confirmed.
 */

const PUBLIC = fileURLToPath(new URL('../../../../src/playground/public/', import.meta.url));
const ORIGIN = 'http://block-kit.test';
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true });
const option = (text: string, value: string) => ({ text: plain(text), value });
const input = (id: string, label: string, element: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'input',
  block_id: id,
  label: plain(label),
  element: { action_id: id, ...element },
  ...extra,
});

const RISKS = [option('Low', 'low'), option('High', 'high'), option('Critical', 'critical')];
const DAYS = [option('Mon', '1'), option('Tue', '2'), option('Wed', '3')];
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
    input('name', 'Name', { type: 'plain_text_input', initial_value: 'deploy-bot' }),
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
const SUGGESTIONS = {
  external_select: [option('@approvers', 'S0APPROVER'), option('@oncall', 'S0ONCALL01')],
  users_select: [option('Ana', 'U0APPROVA1'), option('Bo', 'U0APPROVB1')],
  conversations_select: [option('#approvals', 'C0APPROVAL'), option('#incidents', 'C0INCIDENT')],
};

function page(html: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Block Kit</title>
<link rel="stylesheet" href="/block-kit.css"></head><body>${html}
<script type="module">
import { readState, showErrors, wireInteractions } from '/block-kit.js';
const suggestions = ${JSON.stringify(SUGGESTIONS)};
window.actions = [];
window.suggests = [];
window.readState = () => readState(document.body);
window.showErrors = (errors) => showErrors(document.body, errors);
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

let browser: Browser;
let tab: Page;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  tab = await browser.newPage({ timezoneId: 'UTC' });
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
  expect(errors).toEqual([]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const actions = () => tab.evaluate(() => (globalThis as unknown as { actions: Record<string, unknown>[] }).actions);
const field = (blockId: string) => `[data-block-id="${blockId}"] [data-bk-type]`;
const combo = (blockId: string) => `[data-block-id="${blockId}"] .bk-combo-input`;

/** Types into a combobox and picks the suggestion showing `text`. */
async function pick(blockId: string, query: string, text: string): Promise<void> {
  await tab.fill(combo(blockId), query);
  await tab.click(`[data-block-id="${blockId}"] [role="option"]:text-is("${text}")`);
}

describe('block-kit.js in a browser', () => {
  it('reads every input element back as Slack view.state.values', async () => {
    await tab.fill(field('reason'), 'Prod is down\nsecond line');
    await tab.fill(field('count'), '3');
    await tab.fill(field('email'), 'ana@example.com');
    await tab.selectOption(field('risk'), 'critical');
    await tab.selectOption(field('envs'), ['low', 'critical']);
    await pick('group', 'on', '@oncall');
    await pick('groups', 'app', '@approvers');
    await pick('who', 'b', 'Bo');
    await pick('whom', 'b', 'Bo');
    await pick('where', 'inc', '#incidents');
    await tab.check('[data-block-id="days"] input[value="3"]');
    await tab.uncheck('[data-block-id="days"] input[value="1"]');
    await tab.check('[data-block-id="verdict"] input[value="2"]');
    await tab.fill(field('day'), '2026-11-30');
    await tab.fill(field('time'), '17:45');
    await tab.fill(field('at'), '2026-11-23T10:15');

    const state = await tab.evaluate(() => (globalThis as unknown as { readState: () => unknown }).readState());
    expect(state).toEqual({
      reason: { reason: { type: 'plain_text_input', value: 'Prod is down\nsecond line' } },
      name: { name: { type: 'plain_text_input', value: 'deploy-bot' } },
      empty: { empty: { type: 'plain_text_input', value: null } },
      count: { count: { type: 'number_input', value: '3' } },
      email: { email: { type: 'email_text_input', value: 'ana@example.com' } },
      risk: { risk: { type: 'static_select', selected_option: RISKS[2] } },
      envs: { envs: { type: 'multi_static_select', selected_options: [RISKS[0], RISKS[2]] } },
      group: { group: { type: 'external_select', selected_option: SUGGESTIONS.external_select[1] } },
      groups: { groups: { type: 'multi_external_select', selected_options: [SUGGESTIONS.external_select[0]] } },
      who: { who: { type: 'users_select', selected_user: 'U0APPROVB1' } },
      whom: { whom: { type: 'multi_users_select', selected_users: ['U0APPROVA1', 'U0APPROVB1'] } },
      where: { where: { type: 'conversations_select', selected_conversation: 'C0INCIDENT' } },
      chan: { chan: { type: 'channels_select', selected_channel: 'C0APPROVAL' } },
      days: { days: { type: 'checkboxes', selected_options: [DAYS[2]] } },
      verdict: { verdict: { type: 'radio_buttons', selected_option: DAYS[1] } },
      day: { day: { type: 'datepicker', selected_date: '2026-11-30' } },
      time: { time: { type: 'timepicker', selected_time: '17:45' } },
      at: { at: { type: 'datetimepicker', selected_date_time: 1795428900 } },
      live: { live: { type: 'static_select', selected_option: null } },
      search: { search: { type: 'plain_text_input', value: null } },
      scope: { scope: { type: 'static_select', selected_option: RISKS[0] } },
      local: { local: { type: 'users_select', selected_user: null } },
    });
    // The pickers asked the page as Slack's block_suggestion would, with their own type.
    const asked = await tab.evaluate(() => (globalThis as unknown as { suggests: unknown[] }).suggests);
    expect(asked).toContainEqual({ type: 'external_select', action_id: 'group', block_id: 'group', value: 'on' });
    expect(asked).toContainEqual({ type: 'users_select', action_id: 'whom', block_id: 'whom', value: 'b' });
    // Inputs in blocks without dispatch_action sent no actions.
    expect(await tab.evaluate(() => (globalThis as unknown as { actions: unknown[] }).actions)).toEqual([]);
  });

  it('sends an action from an input block only when it dispatches', async () => {
    await tab.selectOption(field('live'), 'high');
    const actions = await tab.evaluate(() => (globalThis as unknown as { actions: Record<string, unknown>[] }).actions);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toEqual({
      type: 'static_select',
      action_id: 'live',
      block_id: 'live',
      selected_option: RISKS[1],
      action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
    });
  });

  it('asks the confirm dialog first: Cancel sends nothing, Approve sends the button action', async () => {
    const before = (await actions()).length;
    await tab.click('button[data-action-id="approve_request"]');
    await expect.poll(() => tab.isVisible('[data-block-id="decision"] dialog.bk-confirm')).toBe(true);
    await tab.click('[data-block-id="decision"] dialog.bk-confirm button[data-confirm="deny"]');
    await expect.poll(() => tab.isVisible('[data-block-id="decision"] dialog.bk-confirm')).toBe(false);
    expect(await actions()).toHaveLength(before);

    await tab.click('button[data-action-id="approve_request"]');
    await tab.click('[data-block-id="decision"] dialog.bk-confirm button[data-confirm="confirm"]');
    await expect.poll(async () => (await actions()).length).toBe(before + 1);
    expect((await actions())[before]).toEqual({
      type: 'button',
      action_id: 'approve_request',
      block_id: 'decision',
      text: plain('Approve'),
      value: 'r1',
      style: 'primary',
      action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
    });
  });

  it('opens the overflow menu by keyboard and sends the chosen option', async () => {
    const before = (await actions()).length;
    await tab.focus('.bk-overflow-toggle');
    await tab.keyboard.press('Enter');
    await expect.poll(() => tab.isVisible('.bk-menu')).toBe(true);
    await tab.keyboard.press('ArrowDown');
    await tab.keyboard.press('Enter');
    await expect.poll(async () => (await actions()).length).toBe(before + 1);
    expect((await actions())[before]).toMatchObject({
      type: 'overflow',
      action_id: 'more',
      block_id: 'decision',
      selected_option: option('Delete', 'delete'),
    });
    expect(await tab.isVisible('.bk-menu')).toBe(false);
  });

  it('puts a select back when its confirm is cancelled, and sends it when confirmed', async () => {
    const before = (await actions()).length;
    await tab.selectOption(field('scope'), 'critical');
    await tab.click('[data-block-id="scope"] dialog.bk-confirm button[data-confirm="deny"]');
    await expect.poll(() => tab.inputValue(field('scope'))).toBe('low');
    expect(await actions()).toHaveLength(before);
    await tab.selectOption(field('scope'), 'high');
    await tab.click('[data-block-id="scope"] dialog.bk-confirm button[data-confirm="confirm"]');
    await expect.poll(async () => (await actions()).length).toBe(before + 1);
    expect((await actions())[before]).toMatchObject({
      type: 'static_select',
      block_id: 'scope',
      selected_option: RISKS[1],
    });
  });

  it('sends a dispatching text input on Enter', async () => {
    const before = (await actions()).length;
    await tab.fill(field('search'), 'db.*');
    expect(await actions()).toHaveLength(before);
    await tab.press(field('search'), 'Enter');
    await expect.poll(async () => (await actions()).length).toBe(before + 1);
    expect((await actions())[before]).toMatchObject({ type: 'plain_text_input', action_id: 'search', value: 'db.*' });
  });

  it('chooses in a picker with the keyboard and removes a chip with its button', async () => {
    await tab.fill(combo('whom'), '');
    await tab.focus(combo('whom'));
    await expect.poll(() => tab.locator('[data-block-id="whom"] [role="option"]').count()).toBe(2);
    await tab.keyboard.press('ArrowDown');
    await tab.keyboard.press('Enter');
    await tab.click('[data-block-id="whom"] .bk-chip-remove[aria-label="Remove Bo"]');
    const state = (await tab.evaluate(() =>
      (globalThis as unknown as { readState: () => unknown }).readState(),
    )) as Record<string, Record<string, unknown>>;
    expect(state.whom).toEqual({ whom: { type: 'multi_users_select', selected_users: ['U0APPROVA1'] } });
  });

  it('shows response_action errors under their inputs, and clears them', async () => {
    const show = (errors: Record<string, string>) =>
      tab.evaluate(
        (e) => (globalThis as unknown as { showErrors: (e: Record<string, string>) => void }).showErrors(e),
        errors,
      );
    await show({ reason: 'Say why <you> deny it' });
    expect(await tab.textContent('[data-block-id="reason"] .bk-input-error')).toBe('Say why <you> deny it');
    expect(await tab.isVisible('[data-block-id="reason"] .bk-input-error')).toBe(true);
    expect(await tab.getAttribute(field('reason'), 'aria-invalid')).toBe('true');
    expect(await tab.isVisible('[data-block-id="name"] .bk-input-error')).toBe(false);
    await show({});
    expect(await tab.isVisible('[data-block-id="reason"] .bk-input-error')).toBe(false);
    expect(await tab.getAttribute(field('reason'), 'aria-invalid')).toBeNull();
  });

  it('spends Escape on an open confirm dialog or picker list, not on the modal around them', async () => {
    const escapes = () => tab.evaluate(() => (globalThis as unknown as { escapes: number }).escapes);
    const before = (await actions()).length;
    await tab.click('button[data-action-id="approve_request"]');
    await expect.poll(() => tab.isVisible('[data-block-id="decision"] dialog.bk-confirm')).toBe(true);
    await tab.keyboard.press('Escape');
    await expect.poll(() => tab.isVisible('[data-block-id="decision"] dialog.bk-confirm')).toBe(false);
    await tab.focus(combo('who'));
    await expect.poll(() => tab.isVisible('[data-block-id="who"] .bk-listbox')).toBe(true);
    await tab.keyboard.press('Escape');
    expect(await tab.isVisible('[data-block-id="who"] .bk-listbox')).toBe(false);
    expect(await escapes()).toBe(0);
    expect(await actions()).toHaveLength(before);
    await tab.keyboard.press('Escape');
    expect(await escapes()).toBe(1);
  });

  it('filters the people the server listed, without asking the page', async () => {
    const asked = () => tab.evaluate(() => (globalThis as unknown as { suggests: unknown[] }).suggests.length);
    const before = await asked();
    await pick('local', 'om', 'Omar');
    const state = (await tab.evaluate(() =>
      (globalThis as unknown as { readState: () => unknown }).readState(),
    )) as Record<string, unknown>;
    expect(state.local).toEqual({ local: { type: 'users_select', selected_user: 'U0ADMIN01' } });
    expect(await asked()).toBe(before);
  });
});
