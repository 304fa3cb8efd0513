import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAYS, openPage, option, plain, RISKS, SUGGESTIONS } from './browser-fixture.ts';

/*
 * The browser script in a real browser (Debian's chromium driven by playwright-core): a modal with
 * every input element, rendered by the server-side renderer, is filled in by keyboard and mouse;
 * readState must give exactly the view.state.values Slack would send, and a button with a confirm
 * dialog must send nothing when denied and Slack's block_actions action when confirmed.
 */

let browser: Browser;
let tab: Page;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const opened = await openPage(browser);
  tab = opened.tab;
  expect(opened.errors).toEqual([]);
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

  it('refuses before submitting what Slack refuses: required fields, lengths, numbers, emails', async () => {
    const check = () => tab.evaluate(() => (globalThis as unknown as { checkInputs: () => unknown }).checkInputs());
    expect(await check()).toEqual({});
    await tab.fill(field('reason'), '');
    await tab.fill(field('name'), 'ab');
    await tab.fill(field('count'), '2.5');
    await tab.fill(field('email'), 'not an address');
    await tab.selectOption(field('envs'), []);
    expect(await check()).toEqual({
      reason: 'Please complete this required field.',
      name: 'Please enter at least 3 characters.',
      count: 'Please enter a whole number.',
      email: 'Please enter a valid email address.',
      envs: 'Please complete this required field.',
    });
    await tab.fill(field('count'), '0');
    expect(await check()).toMatchObject({ count: 'Please enter a number no less than 1.' });
  });
});
