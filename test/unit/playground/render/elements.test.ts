import { describe, expect, it } from 'vitest';
import { renderBlocks } from '../../../../src/playground/render/index.ts';
import { demoContext } from './context.ts';

const plain = (text: string) => ({ type: 'plain_text', text });
const option = (text: string, value: string) => ({ text: plain(text), value });
/** An element rendered in an actions block (block id "b"). */
const inActions = (element: Record<string, unknown>) =>
  renderBlocks([{ type: 'actions', block_id: 'b', elements: [element] }], demoContext());
/** An element rendered in an input block (block id "i"). */
const inInput = (element: Record<string, unknown>) =>
  renderBlocks([{ type: 'input', block_id: 'i', label: plain('Label'), element }], demoContext({ surface: 'modal' }));
const json = (value: unknown) => JSON.stringify(value).replaceAll('"', '&quot;');

describe('buttons', () => {
  it('renders a button with its action id, value, style and text object', () => {
    const html = inActions({
      type: 'button',
      action_id: 'approve',
      text: plain('Approve'),
      value: 'r1',
      style: 'primary',
    });
    expect(html).toContain(
      `<button type="button" class="bk-button bk-button--primary" data-bk-type="button" data-action-id="approve" data-value="r1" data-style="primary" data-text="${json(plain('Approve'))}">Approve</button>`,
    );
  });

  it('renders a danger button', () => {
    expect(inActions({ type: 'button', action_id: 'd', text: plain('Deny'), style: 'danger' })).toContain(
      'class="bk-button bk-button--danger"',
    );
  });

  it('ignores a style Slack does not have', () => {
    const html = inActions({ type: 'button', action_id: 'x', text: plain('X'), style: 'evil" onclick="alert(1)' });
    expect(html).not.toContain('data-style');
    expect(html).not.toContain('onclick="');
  });

  it('keeps an http(s) url on a url button and drops a javascript: one', () => {
    expect(inActions({ type: 'button', action_id: 'u', text: plain('Open'), url: 'https://x.example/a' })).toContain(
      'data-url="https://x.example/a"',
    );
    expect(
      inActions({ type: 'button', action_id: 'u', text: plain('Open'), url: 'javascript:alert(1)' }),
    ).not.toContain('data-url');
  });

  it('escapes quotes in values', () => {
    expect(inActions({ type: 'button', action_id: 'q', text: plain('Q'), value: `"'><x>` })).toContain(
      'data-value="&quot;&#39;&gt;&lt;x&gt;"',
    );
  });

  it('renders a confirm object as a dialog right after its button', () => {
    const html = inActions({
      type: 'button',
      action_id: 'revoke',
      text: plain('Revoke'),
      confirm: {
        title: plain('Revoke access?'),
        text: { type: 'mrkdwn', text: 'It ends *now*.' },
        confirm: plain('Revoke'),
        deny: plain('Keep it'),
        style: 'danger',
      },
    });
    expect(html).toContain(
      '>Revoke</button><dialog class="bk-confirm" aria-label="Revoke access?"><h2 class="bk-confirm-title">Revoke access?</h2><div class="bk-confirm-text"><span class="bk-text bk-mrkdwn">It ends <b>now</b>.</span></div><div class="bk-confirm-buttons"><button type="button" data-confirm="deny" class="bk-button">Keep it</button><button type="button" data-confirm="confirm" class="bk-button bk-button--danger">Revoke</button></div></dialog>',
    );
  });
});

describe('overflow menu', () => {
  it('renders a toggle and a hidden menu of options carrying their JSON', () => {
    const html = inActions({
      type: 'overflow',
      action_id: 'more',
      options: [option('Edit', 'edit'), { ...option('Docs', 'docs'), url: 'https://x.example' }],
    });
    expect(html).toContain('<div class="bk-overflow" data-bk-type="overflow" data-action-id="more">');
    expect(html).toContain('aria-haspopup="menu" aria-expanded="false" aria-label="More actions"');
    expect(html).toContain(
      `<div class="bk-menu" role="menu" hidden><button type="button" role="menuitem" class="bk-menu-item" data-option="${json(option('Edit', 'edit'))}">Edit</button>`,
    );
    expect(html).toContain('data-url="https://x.example">Docs</button>');
  });
});

describe('selects', () => {
  it('renders static_select with a placeholder, options and the initial option selected', () => {
    const html = inInput({
      type: 'static_select',
      action_id: 'risk',
      placeholder: plain('Pick a risk'),
      options: [option('Low', 'low'), option('High', 'high')],
      initial_option: option('High', 'high'),
    });
    expect(html).toMatch(/<select class="bk-select" id="bk\d+" data-bk-type="static_select" data-action-id="risk">/);
    expect(html).toContain('<option value="" disabled>Pick a risk</option>');
    expect(html).toContain(`<option value="high" data-option="${json(option('High', 'high'))}" selected>High</option>`);
    expect(html).toContain(`<option value="low" data-option="${json(option('Low', 'low'))}">Low</option>`);
  });

  it('renders option_groups as optgroups, and the placeholder selected when nothing is', () => {
    const html = inInput({
      type: 'static_select',
      action_id: 'g',
      option_groups: [{ label: plain('Teams <x>'), options: [option('Ops', 'ops')] }],
    });
    expect(html).toContain('<option value="" disabled selected>Select an item</option>');
    expect(html).toContain('<optgroup label="Teams &lt;x&gt;"><option value="ops"');
  });

  it('renders multi_static_select as a multiple select with the initial options', () => {
    const html = inInput({
      type: 'multi_static_select',
      action_id: 'envs',
      options: [option('prod', 'prod'), option('dev', 'dev')],
      initial_options: [option('dev', 'dev')],
      max_selected_items: 2,
    });
    expect(html).toContain('data-bk-type="multi_static_select" data-action-id="envs" multiple data-max-selected="2"');
    expect(html).toMatch(/value="dev"[^>]*selected>dev/);
    expect(html).not.toMatch(/value="prod"[^>]*selected/);
  });

  it('renders external_select as a combobox that asks for options, with its initial option', () => {
    const html = inInput({
      type: 'external_select',
      action_id: 'group',
      min_query_length: 0,
      initial_option: option('@oncall', 'S1'),
    });
    expect(html).toContain(
      `<div class="bk-combo" data-bk-type="external_select" data-action-id="group" data-selected="${json([option('@oncall', 'S1')])}" data-min-query-length="0">`,
    );
    expect(html).toMatch(
      /<input type="text" class="bk-combo-input" role="combobox" aria-autocomplete="list" aria-expanded="false" autocomplete="off" id="(bk\d+)" aria-controls="\1-list" placeholder="Select an item" value="@oncall">/,
    );
    expect(html).toMatch(/<ul class="bk-listbox" role="listbox" id="bk\d+-list" hidden><\/ul>/);
  });

  it('renders multi_external_select with chips for the initial options', () => {
    const html = inInput({
      type: 'multi_external_select',
      action_id: 'approvers',
      initial_options: [option('@approvers', 'S0APPROVER')],
    });
    expect(html).toContain('data-multi');
    expect(html).toContain(
      `<span class="bk-chips"><span class="bk-chip" data-option="${json(option('@approvers', 'S0APPROVER'))}">@approvers<button type="button" class="bk-chip-remove" aria-label="Remove @approvers">×</button></span></span>`,
    );
  });
});

describe('user and conversation pickers', () => {
  it('renders users_select with the initial user by name', () => {
    const html = inInput({ type: 'users_select', action_id: 'who', initial_user: 'U0APPROVA1' });
    expect(html).toContain(
      `data-bk-type="users_select" data-action-id="who" data-selected="${json([option('Ana', 'U0APPROVA1')])}"`,
    );
    expect(html).toContain('value="Ana"');
  });

  it('renders multi_users_select with chips by name (the id when unknown)', () => {
    const html = inInput({ type: 'multi_users_select', action_id: 'who', initial_users: ['U0APPROVA1', 'U0NOBODY1'] });
    expect(html).toContain('>Ana<button');
    expect(html).toContain('>U0NOBODY1<button');
  });

  it('carries the choices the context lists, so the page can filter them itself', () => {
    const ctx = demoContext({
      users: () => [{ id: 'U0APPROVA1', name: 'Ana <A>' }],
      channels: () => [{ id: 'C0APPROVAL', name: 'approvals' }],
    });
    const render = (element: Record<string, unknown>) =>
      renderBlocks([{ type: 'actions', block_id: 'b', elements: [element] }], ctx);
    expect(render({ type: 'multi_users_select', action_id: 'u' })).toContain(
      `data-choices="${json([option('Ana <A>', 'U0APPROVA1')])
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')}"`,
    );
    expect(render({ type: 'channels_select', action_id: 'c' })).toContain(
      `data-choices="${json([option('#approvals', 'C0APPROVAL')])}"`,
    );
    expect(render({ type: 'external_select', action_id: 'e' })).not.toContain('data-choices');
    expect(inInput({ type: 'users_select', action_id: 'who' })).not.toContain('data-choices');
  });

  it('renders conversations_select, channels_select and their multi forms with #names', () => {
    expect(inInput({ type: 'conversations_select', action_id: 'c', initial_conversation: 'C0APPROVAL' })).toContain(
      'value="#approvals"',
    );
    expect(inInput({ type: 'channels_select', action_id: 'c', initial_channel: 'C0APPROVAL' })).toContain(
      'value="#approvals"',
    );
    expect(
      inInput({ type: 'multi_conversations_select', action_id: 'c', initial_conversations: ['C0APPROVAL'] }),
    ).toContain('>#approvals<button');
    expect(inInput({ type: 'multi_channels_select', action_id: 'c', initial_channels: ['C0APPROVAL'] })).toContain(
      '>#approvals<button',
    );
  });
});

describe('checkboxes and radio buttons', () => {
  it('renders checkboxes with mrkdwn text, descriptions and the initial options checked', () => {
    const html = inInput({
      type: 'checkboxes',
      action_id: 'days',
      options: [
        { text: { type: 'mrkdwn', text: '*Mon*' }, value: '1', description: plain('first') },
        option('Tue', '2'),
      ],
      initial_options: [option('Tue', '2')],
    });
    expect(html).toMatch(
      /<div class="bk-choices" role="group" id="bk\d+" data-bk-type="checkboxes" data-action-id="days">/,
    );
    expect(html).toContain('<input type="checkbox" value="1"');
    expect(html).toContain('<b>Mon</b>');
    expect(html).toContain('<span class="bk-choice-description"><span class="bk-text bk-plain">first</span></span>');
    expect(html).toMatch(/value="2" data-option="[^"]*" checked>/);
  });

  it('renders radio buttons as one named group', () => {
    const html = inInput({
      type: 'radio_buttons',
      action_id: 'verdict',
      options: [option('Justified', 'ok'), option('Not justified', 'bad')],
      initial_option: option('Justified', 'ok'),
    });
    expect(html).toContain('role="radiogroup"');
    const names = [...html.matchAll(/type="radio" name="(bk\d+)"/g)].map((m) => m[1]);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(1);
    expect(html).toMatch(/value="ok" data-option="[^"]*" checked>/);
  });
});

describe('date and time pickers', () => {
  it('renders a datepicker with its initial date and placeholder', () => {
    expect(
      inInput({ type: 'datepicker', action_id: 'd', initial_date: '2026-11-30', placeholder: plain('Day') }),
    ).toMatch(
      /<input type="date" class="bk-date-input" id="bk\d+" placeholder="Day" value="2026-11-30" data-bk-type="datepicker" data-action-id="d">/,
    );
  });

  it('renders a timepicker with its initial time and time zone', () => {
    expect(inInput({ type: 'timepicker', action_id: 't', initial_time: '09:30', timezone: 'Europe/Berlin' })).toMatch(
      /<input type="time" class="bk-time-input" id="bk\d+" value="09:30" data-timezone="Europe\/Berlin" data-bk-type="timepicker"/,
    );
  });

  it('renders a datetimepicker in the viewer time zone', () => {
    const html = renderBlocks(
      [
        {
          type: 'input',
          block_id: 'i',
          label: plain('When'),
          element: { type: 'datetimepicker', action_id: 'at', initial_date_time: 1795428900 },
        },
      ],
      demoContext({ timeZone: 'Europe/Berlin' }),
    );
    expect(html).toMatch(
      /type="datetime-local" class="bk-datetime-input" id="bk\d+" value="2026-11-23T11:15" data-time-zone="Europe\/Berlin"/,
    );
  });
});

describe('text inputs', () => {
  it('renders plain_text_input with initial value, placeholder and lengths', () => {
    expect(
      inInput({
        type: 'plain_text_input',
        action_id: 'name',
        initial_value: 'deploy "bot"',
        placeholder: plain('Name'),
        min_length: 2,
        max_length: 64,
      }),
    ).toMatch(
      /<input id="bk\d+" class="bk-text-input" placeholder="Name" type="text" value="deploy &quot;bot&quot;" minlength="2" maxlength="64" data-bk-type="plain_text_input" data-action-id="name">/,
    );
  });

  it('renders a multiline plain_text_input as a textarea with its text escaped', () => {
    expect(
      inInput({ type: 'plain_text_input', action_id: 'why', multiline: true, initial_value: '</textarea><script>' }),
    ).toMatch(
      /<textarea id="bk\d+" class="bk-text-input" rows="4" data-bk-type="plain_text_input" data-action-id="why">&lt;\/textarea&gt;&lt;script&gt;<\/textarea>/,
    );
  });

  it('records when a dispatching text input fires', () => {
    expect(
      inInput({
        type: 'plain_text_input',
        action_id: 'q',
        dispatch_action_config: { trigger_actions_on: ['on_character_entered'] },
      }),
    ).toContain('data-trigger="on_character_entered"');
  });

  it('renders number_input (whole or decimal, with bounds), email and url inputs', () => {
    expect(
      inInput({ type: 'number_input', action_id: 'n', is_decimal_allowed: false, min_value: '1', initial_value: '3' }),
    ).toContain('type="number" value="3" min="1" step="1" inputmode="numeric"');
    expect(inInput({ type: 'number_input', action_id: 'n', is_decimal_allowed: true, max_value: '9.5' })).toContain(
      'max="9.5" step="any" inputmode="decimal" data-decimal',
    );
    expect(inInput({ type: 'email_text_input', action_id: 'e' })).toContain('type="email"');
    expect(inInput({ type: 'url_text_input', action_id: 'u' })).toContain('type="url"');
  });
});
