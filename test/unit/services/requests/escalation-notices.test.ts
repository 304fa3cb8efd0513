import { describe, expect, it } from 'vitest';
import { isNotified, owedEscalationNotices } from '../../../../src/services/requests/escalation-notices.ts';

const level = (n: number, approvers: string[], channelId: string | null, notified?: string[]) => ({
  level: n,
  at: '2026-12-04T12:00:00.000Z',
  approvers,
  channelId,
  ...(notified === undefined ? {} : { notified }),
});

describe('owedEscalationNotices', () => {
  const id = '2b0c6f39-59c3-4f67-9d39-0e1f3c1a7c11';

  it('owes a DM to each added person and the channel post, less those on record', () => {
    const request = {
      id,
      status: 'pending' as const,
      escalations: [level(1, ['U1', 'U2'], 'C1', ['U1']), level(2, ['U3'], null, [])],
    };
    expect(owedEscalationNotices(request)).toEqual([
      { requestId: id, level: 1, userId: 'U2' },
      { requestId: id, level: 1, userId: null },
      { requestId: id, level: 2, userId: 'U3' },
    ]);
    expect(owedEscalationNotices(request, 2)).toEqual([{ requestId: id, level: 2, userId: 'U3' }]);
  });

  it('owes nothing once all went out, for a decided request, or for a level recorded before tracking', () => {
    expect(
      owedEscalationNotices({ id, status: 'pending', escalations: [level(1, ['U1'], 'C1', ['C1', 'U1'])] }),
    ).toEqual([]);
    expect(owedEscalationNotices({ id, status: 'denied', escalations: [level(1, ['U1'], 'C1', [])] })).toEqual([]);
    expect(owedEscalationNotices({ id, status: 'pending', escalations: [level(1, ['U1'], 'C1')] })).toEqual([]);
    expect(owedEscalationNotices({ id, status: 'pending', escalations: 'unreadable' })).toEqual([]);
  });

  it('a channel post is remembered by the channel id; a level without a channel has no post to send', () => {
    expect(isNotified(level(1, [], 'C9', ['C9']), null)).toBe(true);
    expect(isNotified(level(1, [], 'C9', ['U1']), null)).toBe(false);
    expect(isNotified(level(1, [], null, []), null)).toBe(true);
  });
});
