import { describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import type { AppUnderTest } from '../../support/harness.ts';
import {
  APPROVER_A,
  CHANNEL,
  cardOf,
  click,
  createViaApi,
  dmsTo,
  eventually,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import { sandboxAutoApproval } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/** Replies posted (and answered) in a card's thread. */
function repliesTo(t: AppUnderTest, ts: string): string[] {
  return t.slack
    .callsOf('chat.postMessage')
    .filter((c) => c.args.thread_ts === ts && c.response.ok)
    .map((c) => String(c.args.text));
}

/** The outcome DM: a chat.postMessage outside the approval channel and its threads, telling the approval. */
const isOutcomeDm = (args: Record<string, unknown>) =>
  args.channel !== CHANNEL && args.thread_ts === undefined && String(args.text).includes('Approved');

/**
 * A decision's follow-up is one job (definitions/update-card.ts): the card update, the thread reply
 * and the requester's DM. Each goes out once, whatever part of the job fails and is retried.
 */
describe('a decision’s follow-up job', () => {
  const t = useTestApp({}, { start: startLifecycleApp });

  it('keeps what went out when a later part fails: a retry sends only what is still owed', async () => {
    const { id } = await createViaApi(t);
    const card = await waitForCard(t, id);
    const approvals = () => dmsTo(t, REQUESTER).filter((text) => text.includes('Approved')).length;
    const dmsBefore = approvals();
    // The outcome DM fails twice after the card update and the thread reply went out (a Slack error the
    // Web API client does not retry itself: the job fails and is retried).
    t.slack.failNext('chat.postMessage', { error: 'internal_error' }, 2, isOutcomeDm);
    await click(t, APPROVER_A, 'approve_request', id);
    await eventually(() => approvals() > dmsBefore, 20_000, 'outcome DM after the retries');
    await waitForQueueIdle(t.app.jobs.queue(QUEUES.cards));
    expect(repliesTo(t, card.ts)).toHaveLength(1);
    expect(approvals() - dmsBefore).toBe(1);
    expect(JSON.stringify(cardOf(t, id)?.blocks)).toContain('Approved');
    const row = await t.app.db.approvalRequest.findUniqueOrThrow({ where: { id } });
    expect(row.threadRepliedAt).not.toBeNull();
    expect(row.outcomeDmAt).not.toBeNull();
    expect(row.cardVersion).toBe(row.version);
  });

  it('still DMs the requester when Slack refuses the card update for good, and posts no reply', async () => {
    const { id } = await createViaApi(t);
    const card = await waitForCard(t, id);
    const dmsBefore = dmsTo(t, REQUESTER).length;
    t.slack.failNext('chat.update', { error: 'message_not_found' }, 1);
    await click(t, APPROVER_A, 'approve_request', id);
    const row = await eventually(
      async () => {
        const r = await t.app.db.approvalRequest.findUniqueOrThrow({ where: { id } });
        return r.outcomeDmAt !== null && r.slackError !== null ? r : undefined;
      },
      20_000,
      'outcome DM sent and the card failure recorded',
    );
    expect(row.slackError).toBe('message_not_found');
    expect(repliesTo(t, card.ts)).toEqual([]);
    expect(dmsTo(t, REQUESTER).length).toBeGreaterThan(dmsBefore);
  });

  it('tells the requester a decision made at once when Slack refuses its card: the DM comes from the follow-up job', async () => {
    await createRule(t.app.deps, { type: 'user', id: 'U0ADMIN001' }, sandboxAutoApproval());
    t.slack.failNext('chat.postMessage', { error: 'channel_not_found' }, 1, (args) => args.channel === CHANNEL);
    const { id, status } = await createViaApi(t, { resource: `sandbox/refused-${Date.now()}` });
    expect(status).toBe('approved');
    const row = await eventually(
      async () => {
        const r = await t.app.db.approvalRequest.findUniqueOrThrow({ where: { id } });
        return r.outcomeDmAt !== null ? r : undefined;
      },
      20_000,
      'outcome DM sent',
    );
    expect(row.slackError).toBe('channel_not_found');
    expect(row.messageTs).toBeNull();
    expect(dmsTo(t, REQUESTER).some((text) => text.includes('Approved') && text.includes('refused-'))).toBe(true);
  });
});
