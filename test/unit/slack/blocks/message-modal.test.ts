import { describe, expect, it } from 'vitest';
import { buildMessageModal } from '../../../../src/slack/blocks/message-modal.ts';
import { validateView } from '../../../support/block-kit.ts';

describe('message modal', () => {
  it('shows a title and a message, closing with Done', () => {
    const view = buildMessageModal('API key created', 'Copy it *now*');
    expect(view.title.text).toBe('API key created');
    expect(view.close?.text).toBe('Done');
    expect(view.submit).toBeUndefined();
    expect(view.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'Copy it *now*' } }]);
  });

  it('cuts a long title and message to what Slack accepts', () => {
    const view = buildMessageModal('A title far longer than a modal allows', 'x'.repeat(5000));
    expect(validateView(view)).toEqual([]);
    expect(view.title.text).toBe('A title far longer than…');
  });
});
