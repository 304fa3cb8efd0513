import { describe, expect, it } from 'vitest';
import { buildReasonModal, REASON_FIELDS } from '../../../../src/slack/blocks/reason-modal.ts';
import { CALLBACK_IDS } from '../../../../src/slack/ids.ts';
import { validateView } from '../../../support/block-kit.ts';

const requestId = '7f1c1a52-5a8e-4f0e-9d7e-2b1f7a3c9e10';

describe('reason modal', () => {
  it('carries the decision in the callback id and the request in private_metadata', () => {
    const deny = buildReasonModal({ decision: 'deny', requestId, action: 'a', resource: 'r', channelId: 'C0X' });
    expect(deny.callback_id).toBe(CALLBACK_IDS.denyModal);
    expect(JSON.parse(deny.private_metadata ?? '')).toEqual({ requestId, channelId: 'C0X' });
    const approve = buildReasonModal({ decision: 'approve', requestId, action: 'a', resource: 'r' });
    expect(approve.callback_id).toBe(CALLBACK_IDS.approveModal);
    expect(approve.submit?.text).toBe('Approve');
  });

  it('requires a reason', () => {
    const view = buildReasonModal({ decision: 'deny', requestId, action: 'a', resource: 'r' });
    expect(view.blocks[1]).toMatchObject({
      type: 'input',
      block_id: REASON_FIELDS.reason,
      optional: false,
      element: { action_id: REASON_FIELDS.reason, min_length: 1, max_length: 3000, multiline: true },
    });
  });

  it('escapes and cuts what the requester wrote', () => {
    const view = buildReasonModal({ decision: 'deny', requestId, action: '<!here>', resource: 'r'.repeat(5000) });
    expect(JSON.stringify(view)).not.toContain('<!here>');
    expect(validateView(view)).toEqual([]);
  });
});
