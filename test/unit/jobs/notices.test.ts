import { describe, expect, it } from 'vitest';
import { dueNotices, type NoticeState } from '../../../src/jobs/notices.ts';

const id = '7f1c1a52-5a8e-4f0e-9d7e-2b1f7a3c9e10';
const sent = new Date('2026-11-23T10:06:00Z');
const state = (overrides: Partial<NoticeState>): NoticeState => ({
  id,
  status: 'pending',
  slackError: null,
  threadRepliedAt: null,
  outcomeDmAt: null,
  grantEndRepliedAt: null,
  grantEndDmAt: null,
  ...overrides,
});
const ids = (s: NoticeState) => dueNotices(s).map((n) => `${n.place}-${n.requestId}-${n.status}`);

describe('outcome notices due', () => {
  it('owes nothing while pending, and the decision reply and DM once decided', () => {
    expect(ids(state({}))).toEqual([]);
    expect(ids(state({ status: 'denied' }))).toEqual([`thread-${id}-denied`, `dm-${id}-denied`]);
    expect(ids(state({ status: 'approved', threadRepliedAt: sent }))).toEqual([`dm-${id}-approved`]);
    expect(ids(state({ status: 'approved', threadRepliedAt: sent, outcomeDmAt: sent }))).toEqual([]);
  });

  it('owes a grant end its own reply, and a DM when revoked or lapsed, after the decision’s', () => {
    const decided = { threadRepliedAt: sent, outcomeDmAt: sent };
    expect(ids(state({ status: 'revoked', ...decided }))).toEqual([`thread-${id}-revoked`, `dm-${id}-revoked`]);
    expect(ids(state({ status: 'lapsed', ...decided }))).toEqual([`thread-${id}-lapsed`, `dm-${id}-lapsed`]);
    // Executed: posted in the thread only.
    expect(ids(state({ status: 'executed', ...decided }))).toEqual([`thread-${id}-executed`]);
    expect(ids(state({ status: 'revoked', ...decided, grantEndRepliedAt: sent, grantEndDmAt: sent }))).toEqual([]);
    // A decision notice never sent is still owed, under the status it was decided with.
    expect(ids(state({ status: 'executed' }))).toEqual([
      `thread-${id}-approved`,
      `dm-${id}-approved`,
      `thread-${id}-executed`,
    ]);
  });

  it('owes no thread replies once the card failed for good', () => {
    expect(ids(state({ status: 'revoked', slackError: 'channel_not_found' }))).toEqual([
      `dm-${id}-approved`,
      `dm-${id}-revoked`,
    ]);
  });
});
