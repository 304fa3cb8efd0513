import { describe, expect, it } from 'vitest';
import { checkMessage, checkView } from '../../../../src/playground/render/index.ts';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const x = (n: number) => 'x'.repeat(n);
const message = (blocks: unknown[]) => checkMessage({ text: 'fallback', blocks });
const modal = (blocks: unknown[], extra: Record<string, unknown> = {}) =>
  checkView({ type: 'modal', title: plain('Title'), submit: plain('Go'), blocks, ...extra });
const invalidBlocks = (problem: string) => ({ ok: false, error: 'invalid_blocks', errors: [`[ERROR] ${problem}`] });
const invalidView = (problem: string) => ({ ok: false, error: 'invalid_arguments', errors: [`[ERROR] ${problem}`] });
const button = (extra: Record<string, unknown>) => ({ type: 'button', action_id: 'a', text: plain('Go'), ...extra });
const actions = (element: unknown) => [{ type: 'actions', elements: [element] }];

describe('message limits', () => {
  it('takes 50 blocks and refuses 51 with invalid_blocks', () => {
    expect(message(Array.from({ length: 50 }, () => ({ type: 'divider' })))).toEqual({ ok: true });
    expect(message(Array.from({ length: 51 }, () => ({ type: 'divider' })))).toEqual(
      invalidBlocks('no more than 50 items allowed [json-pointer:/blocks]'),
    );
  });

  it('takes section text of 3000 characters and refuses 3001 as Slack words it', () => {
    expect(message([{ type: 'section', text: mrkdwn(x(3000)) }])).toEqual({ ok: true });
    expect(message([{ type: 'section', text: mrkdwn(x(3001)) }])).toEqual(
      invalidBlocks('must be less than 3001 characters [json-pointer:/blocks/0/text/text]'),
    );
  });

  it('takes a header of 150 characters and refuses 151', () => {
    expect(message([{ type: 'header', text: plain(x(150)) }])).toEqual({ ok: true });
    expect(message([{ type: 'header', text: plain(x(151)) }])).toEqual(
      invalidBlocks('must be less than 151 characters [json-pointer:/blocks/0/text/text]'),
    );
  });

  it('takes 10 section fields of 2000 characters and refuses more or longer', () => {
    const fields = (n: number, len: number) => [
      { type: 'section', fields: Array.from({ length: n }, () => mrkdwn(x(len))) },
    ];
    expect(message(fields(10, 2000))).toEqual({ ok: true });
    expect(message(fields(11, 1))).toEqual(
      invalidBlocks('must provide at most 10 items [json-pointer:/blocks/0/fields]'),
    );
    expect(message(fields(1, 2001))).toEqual(
      invalidBlocks('must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]'),
    );
  });

  it('takes a button text of 75 characters and refuses 76', () => {
    expect(message(actions(button({ text: plain(x(75)) })))).toEqual({ ok: true });
    expect(message(actions(button({ text: plain(x(76)) })))).toEqual(
      invalidBlocks('must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]'),
    );
  });

  it('takes action_id and block_id of 255 characters and refuses 256', () => {
    expect(message([{ type: 'actions', block_id: x(255), elements: [button({ action_id: x(255) })] }])).toEqual({
      ok: true,
    });
    expect(message(actions(button({ action_id: x(256) })))).toEqual(
      invalidBlocks('must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]'),
    );
    expect(message([{ type: 'divider', block_id: x(256) }])).toEqual(
      invalidBlocks('must be less than 256 characters [json-pointer:/blocks/0/block_id]'),
    );
  });

  it('refuses a button value over 2000 and a url over 3000', () => {
    expect(message(actions(button({ value: x(2000), url: `https://${x(2992)}` })))).toEqual({ ok: true });
    expect(message(actions(button({ value: x(2001) })))).toEqual(
      invalidBlocks('must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]'),
    );
    expect(message(actions(button({ url: `https://${x(2993)}` })))).toEqual(
      invalidBlocks('must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]'),
    );
  });

  it('refuses a button style Slack does not have', () => {
    expect(message(actions(button({ style: 'green' })))).toEqual(
      invalidBlocks('must be primary or danger [json-pointer:/blocks/0/elements/0/style]'),
    );
  });

  it('checks confirm dialogs (title 100, text 300, buttons 30)', () => {
    const confirm = (title: number) => ({
      title: plain(x(title)),
      text: mrkdwn(x(300)),
      confirm: plain(x(30)),
      deny: plain(x(30)),
    });
    expect(message(actions(button({ confirm: confirm(100) })))).toEqual({ ok: true });
    expect(message(actions(button({ confirm: confirm(101) })))).toEqual(
      invalidBlocks('must be less than 101 characters [json-pointer:/blocks/0/elements/0/confirm/title/text]'),
    );
  });

  it('takes 25 elements in an actions block and 10 in a context block, no more', () => {
    const many = (n: number) => Array.from({ length: n }, () => button({}));
    expect(message([{ type: 'actions', elements: many(25) }])).toEqual({ ok: true });
    expect(message([{ type: 'actions', elements: many(26) }])).toEqual(
      invalidBlocks('must provide between 1 and 25 items [json-pointer:/blocks/0/elements]'),
    );
    const texts = (n: number) => Array.from({ length: n }, () => mrkdwn('x'));
    expect(message([{ type: 'context', elements: texts(10) }])).toEqual({ ok: true });
    expect(message([{ type: 'context', elements: texts(11) }])).toEqual(
      invalidBlocks('must provide between 1 and 10 items [json-pointer:/blocks/0/elements]'),
    );
  });

  it('checks options: text 75, value 150, at most 100 per select and 5 per overflow', () => {
    const opts = (n: number, text = 'x', value = 'v') =>
      Array.from({ length: n }, () => ({ text: plain(text), value }));
    const select = (options: unknown[]) => ({ type: 'static_select', action_id: 's', options });
    expect(message(actions(select(opts(100, x(75), x(150)))))).toEqual({ ok: true });
    expect(message(actions(select(opts(101))))).toEqual(
      invalidBlocks('must provide at most 100 items [json-pointer:/blocks/0/elements/0/options]'),
    );
    expect(message(actions(select(opts(1, x(76)))))).toEqual(
      invalidBlocks('must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]'),
    );
    expect(message(actions(select(opts(1, 'x', x(151)))))).toEqual(
      invalidBlocks('must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]'),
    );
    expect(message(actions({ type: 'overflow', action_id: 'o', options: opts(5) }))).toEqual({ ok: true });
    expect(message(actions({ type: 'overflow', action_id: 'o', options: opts(6) }))).toEqual(
      invalidBlocks('must provide at most 5 items [json-pointer:/blocks/0/elements/0/options]'),
    );
  });

  it('refuses a placeholder over 150 characters', () => {
    const select = (n: number) => ({ type: 'users_select', action_id: 'u', placeholder: plain(x(n)) });
    expect(message(actions(select(150)))).toEqual({ ok: true });
    expect(message(actions(select(151)))).toEqual(
      invalidBlocks('must be less than 151 characters [json-pointer:/blocks/0/elements/0/placeholder/text]'),
    );
  });

  it('refuses input blocks in messages and unknown block types', () => {
    expect(message([{ type: 'input', label: plain('L'), element: { type: 'plain_text_input' } }])).toEqual(
      invalidBlocks('input blocks are only allowed in views [json-pointer:/blocks/0]'),
    );
    expect(message([{ type: 'marquee' }])).toEqual(
      invalidBlocks('unsupported type: marquee [json-pointer:/blocks/0/type]'),
    );
  });

  it('lists every problem at once', () => {
    const result = message([
      { type: 'header', text: plain(x(151)) },
      { type: 'section', text: mrkdwn(x(3001)) },
    ]);
    expect(result.ok === false && result.errors).toHaveLength(2);
  });

  it('answers no_text without text or blocks, and msg_too_long over 40,000 characters', () => {
    expect(checkMessage({})).toEqual({ ok: false, error: 'no_text' });
    expect(checkMessage({ text: '', blocks: [] })).toEqual({ ok: false, error: 'no_text' });
    expect(checkMessage({ text: x(40_000) })).toEqual({ ok: true });
    expect(checkMessage({ text: x(40_001) })).toEqual({ ok: false, error: 'msg_too_long' });
  });
});

describe('view limits', () => {
  it('takes 100 blocks in a modal or Home and refuses 101 with invalid_arguments', () => {
    const dividers = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));
    expect(modal(dividers(100))).toEqual({ ok: true });
    expect(modal(dividers(101))).toEqual(invalidView('no more than 100 items allowed [json-pointer:/view/blocks]'));
    expect(checkView({ type: 'home', blocks: dividers(100) })).toEqual({ ok: true });
    expect(checkView({ type: 'home', blocks: dividers(101) })).toEqual(
      invalidView('no more than 100 items allowed [json-pointer:/view/blocks]'),
    );
  });

  it('takes a modal title, submit and close of 24 characters and refuses 25', () => {
    expect(
      checkView({ type: 'modal', title: plain(x(24)), submit: plain(x(24)), close: plain(x(24)), blocks: [] }),
    ).toEqual({
      ok: true,
    });
    expect(checkView({ type: 'modal', title: plain(x(25)), blocks: [] })).toEqual(
      invalidView('must be less than 25 characters [json-pointer:/view/title/text]'),
    );
    expect(modal([], { close: plain(x(25)) })).toEqual(
      invalidView('must be less than 25 characters [json-pointer:/view/close/text]'),
    );
  });

  it('requires submit when the modal has input blocks', () => {
    const input = { type: 'input', label: plain('L'), element: { type: 'plain_text_input', action_id: 'a' } };
    expect(checkView({ type: 'modal', title: plain('T'), blocks: [input] })).toEqual(
      invalidView('must provide submit when input blocks are present [json-pointer:/view/submit]'),
    );
    expect(modal([input])).toEqual({ ok: true });
  });

  it('refuses private_metadata over 3000 and callback_id over 255', () => {
    expect(modal([], { private_metadata: x(3000), callback_id: x(255) })).toEqual({ ok: true });
    expect(modal([], { private_metadata: x(3001) })).toEqual(
      invalidView('must be less than 3001 characters [json-pointer:/view/private_metadata]'),
    );
    expect(modal([], { callback_id: x(256) })).toEqual(
      invalidView('must be less than 256 characters [json-pointer:/view/callback_id]'),
    );
  });

  it('checks input blocks: label and hint 2000, plain_text_input lengths up to 3000', () => {
    const input = (label: number, element: Record<string, unknown> = {}) => ({
      type: 'input',
      label: plain(x(label)),
      hint: plain('h'),
      element: { type: 'plain_text_input', action_id: 'a', max_length: 3000, ...element },
    });
    expect(modal([input(2000)])).toEqual({ ok: true });
    expect(modal([input(2001)])).toEqual(
      invalidView('must be less than 2001 characters [json-pointer:/view/blocks/0/label/text]'),
    );
    expect(modal([input(1, { max_length: 3001 })])).toEqual(
      invalidView('must be between 0 and 3000 [json-pointer:/view/blocks/0/element/max_length]'),
    );
  });

  it('checks checkboxes and radio buttons hold at most 10 options', () => {
    const options = (n: number) => Array.from({ length: n }, (_, i) => ({ text: plain(`o${i}`), value: `${i}` }));
    const choice = (n: number) => ({
      type: 'input',
      label: plain('L'),
      element: { type: 'checkboxes', action_id: 'c', options: options(n) },
    });
    expect(modal([choice(10)])).toEqual({ ok: true });
    expect(modal([choice(11)])).toEqual(
      invalidView('must provide at most 10 items [json-pointer:/view/blocks/0/element/options]'),
    );
  });

  it('checks image blocks need alt text of at most 2000 characters', () => {
    expect(modal([{ type: 'image', image_url: 'https://x.example/a.png', alt_text: x(2000) }])).toEqual({ ok: true });
    expect(modal([{ type: 'image', image_url: 'https://x.example/a.png', alt_text: x(2001) }])).toEqual(
      invalidView('must be less than 2001 characters [json-pointer:/view/blocks/0/alt_text]'),
    );
  });

  it('refuses a view that is not a modal or Home', () => {
    expect(checkView({ type: 'page', blocks: [] })).toEqual(
      invalidView('must be modal or home [json-pointer:/view/type]'),
    );
    expect(checkView(null)).toEqual(invalidView('must provide an object [json-pointer:/view]'));
  });
});
