import { describe, expect, it } from 'vitest';
import { REASON_FIELDS } from '../../../../src/slack/blocks/reason-modal.ts';
import { buildRevokeModal } from '../../../../src/slack/blocks/revoke-modal.ts';
import { CALLBACK_IDS } from '../../../../src/slack/ids.ts';
import { validateView } from '../../../support/block-kit.ts';

const requestId = '7f1c1a52-5a8e-4f0e-9d7e-2b1f7a3c9e10';

describe('Revoke access modal', () => {
  it('is titled Revoke access, carries the request and channel, and asks for an optional reason', () => {
    const view = buildRevokeModal({
      requestId,
      action: 'a',
      resource: 'r',
      requesterSlackId: 'U0REQUEST1',
      channelId: 'C0X',
    });
    expect(validateView(view)).toEqual([]);
    expect(view.callback_id).toBe(CALLBACK_IDS.revokeModal);
    expect(view.title.text).toBe('Revoke access');
    expect(view.submit?.text).toBe('Revoke access');
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ requestId, channelId: 'C0X' });
    expect(view.blocks[1]).toMatchObject({
      type: 'input',
      block_id: REASON_FIELDS.reason,
      optional: true,
      element: { action_id: REASON_FIELDS.reason, max_length: 3000, multiline: true },
    });
    expect(JSON.stringify(view.blocks[0])).toContain('<@U0REQUEST1> is told');
  });

  it('escapes and cuts what the request says', () => {
    const view = buildRevokeModal({
      requestId,
      action: '<!here>',
      resource: 'r'.repeat(5000),
      requesterSlackId: 'U0REQUEST1',
    });
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view)).not.toContain('<!here>');
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ requestId });
  });
});
