import { describe, expect, it } from 'vitest';
import { button, confirm } from '../../../../../src/slack/blocks/kit/elements.ts';

describe('element kit', () => {
  it('builds a button with a label Slack accepts, styled only when asked', () => {
    expect(button('Go', 'go', 'v')).toEqual({
      type: 'button',
      text: { type: 'plain_text', text: 'Go', emoji: true },
      action_id: 'go',
      value: 'v',
    });
    expect(button('x'.repeat(100), 'go', 'v', 'danger')).toMatchObject({ style: 'danger' });
    expect(button('x'.repeat(100), 'go', 'v').text.text).toHaveLength(75);
  });

  it('builds a confirmation that backs out with "Keep it" unless told otherwise', () => {
    expect(confirm({ title: 'Delete?', text: 'Sure?', yes: 'Delete', style: 'danger' })).toEqual({
      title: { type: 'plain_text', text: 'Delete?', emoji: true },
      text: { type: 'mrkdwn', text: 'Sure?' },
      confirm: { type: 'plain_text', text: 'Delete', emoji: true },
      deny: { type: 'plain_text', text: 'Keep it', emoji: true },
      style: 'danger',
    });
    expect(confirm({ title: 't', text: 'x'.repeat(400), yes: 'y', no: 'Cancel' })).toMatchObject({
      deny: { text: 'Cancel' },
      text: { text: `${'x'.repeat(299)}…` },
    });
  });
});
