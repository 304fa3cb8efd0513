import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RequestStatus } from '../../../src/domain/request-status.ts';
import type { Db } from '../../../src/platform/db.ts';
import { approvalStats, computeWindowStats } from '../../../src/services/stats/approval-stats.ts';
import { eventually, OUTSIDER, startLifecycleApp } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = 'U0ADMIN001';
const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00001';
/** The pinned clock: every window ends here. */
const NOW = new Date('2026-11-23T12:00:00Z');
const DAY = 24 * 3600;
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const after = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

interface Known {
  action: string;
  status: RequestStatus;
  /** Seconds before NOW. */
  createdAgo: number;
  rule?: string;
  /** Seconds from creation to the decision, and who decided (a user votes then). */
  decidedAfter?: number;
  decidedBy?: string;
  slackError?: string;
}

/** Writes a request as the use cases would have left it, with the vote of the user who decided it. */
async function insertKnown(db: Db, known: Known): Promise<string> {
  const id = randomUUID();
  const createdAt = ago(known.createdAgo);
  const decidedAt = known.decidedAfter === undefined ? null : after(createdAt, known.decidedAfter);
  await db.approvalRequest.create({
    data: {
      id,
      status: known.status,
      source: 'api',
      action: known.action,
      resource: 'prod/x',
      reason: 'known data',
      paramsHash: 'h',
      requesterSlackId: 'U0REQUEST1',
      channelId: 'C0APPROVAL',
      approverIds: [ALICE, BOB],
      ruleName: known.rule ?? null,
      expiresAt: after(createdAt, 900),
      decidedAt,
      decidedBy: known.decidedBy ?? null,
      slackError: known.slackError ?? null,
      createdAt,
      updatedAt: createdAt,
    },
  });
  const voter = known.decidedBy;
  if (decidedAt !== null && voter !== undefined && /^U/.test(voter)) {
    const decision = ['denied'].includes(known.status) ? 'deny' : 'approve';
    await db.vote.create({ data: { requestId: id, voterId: voter, decision, createdAt: decidedAt } });
  }
  return id;
}

async function insertEvent(db: Db, type: string, createdAgo: number, details: Record<string, unknown>): Promise<void> {
  await db.auditEvent.create({
    data: { type, actorType: 'system', details: details as object, createdAt: ago(createdAgo) },
  });
}

describe('approval stats (known data, pinned clock)', () => {
  const t = useTestApp({ ADMIN_USER_IDS: ADMIN }, { start: startLifecycleApp, now: () => NOW });

  beforeAll(async () => {
    t.slack.addUser({ id: ADMIN, name: 'ada' });
    const db = t.app.db;
    // Inside the last 7 days.
    await insertKnown(db, {
      action: 'db.drop_table',
      status: 'executed',
      createdAgo: DAY,
      rule: 'Prod DB',
      decidedAfter: 600,
      decidedBy: ALICE,
    });
    await insertKnown(db, {
      action: 'db.drop_table',
      status: 'approved',
      createdAgo: 2 * DAY,
      rule: 'Prod DB',
      decidedAfter: 1800,
      decidedBy: BOB,
    });
    await insertKnown(db, {
      action: 'deploy',
      status: 'denied',
      createdAgo: 3 * DAY,
      decidedAfter: 60,
      decidedBy: ALICE,
    });
    await insertKnown(db, { action: 'deploy', status: 'expired', createdAgo: 4 * DAY, decidedAfter: 900 });
    await insertKnown(db, {
      action: 'deploy',
      status: 'approved',
      createdAgo: 5 * DAY,
      rule: 'Auto',
      decidedAfter: 0,
      decidedBy: 'rule:Auto',
    });
    await insertKnown(db, { action: 'db.drop_table', status: 'pending', createdAgo: 3600 });
    await insertKnown(db, {
      action: 'restart',
      status: 'cancelled',
      createdAgo: 6 * DAY,
      decidedAfter: 120,
      decidedBy: 'service:ci',
      slackError: 'channel_not_found',
    });
    // Exactly 7 days ago: the first instant of the 7-day window.
    await insertKnown(db, {
      action: 'restart',
      status: 'denied',
      createdAgo: 7 * DAY,
      rule: 'Block',
      decidedAfter: 0,
      decidedBy: 'rule:Block',
    });
    // Exactly now: after the window.
    await insertKnown(db, { action: 'zzz.later', status: 'pending', createdAgo: 0 });
    // Inside 30 days only.
    await insertKnown(db, {
      action: 'db.drop_table',
      status: 'revoked',
      createdAgo: 10 * DAY,
      rule: 'Prod DB',
      decidedAfter: 7200,
      decidedBy: ALICE,
    });
    await insertKnown(db, {
      action: 'deploy',
      status: 'denied',
      createdAgo: 20 * DAY,
      decidedAfter: 300,
      decidedBy: BOB,
    });
    // Older than 30 days.
    await insertKnown(db, {
      action: 'db.drop_table',
      status: 'approved',
      createdAgo: 40 * DAY,
      decidedAfter: 10,
      decidedBy: ALICE,
    });

    await insertEvent(db, 'execution.reported', DAY - 700, { exitCode: 0, signal: null, durationMs: 5 });
    await insertEvent(db, 'execution.reported', DAY - 800, { exitCode: 2, signal: null, durationMs: 5 });
    await insertEvent(db, 'execution.reported', 2 * DAY, { exitCode: null, signal: 'SIGTERM', durationMs: 5 });
    await insertEvent(db, 'execution.reported', 8 * DAY, { exitCode: 1, signal: null, durationMs: 5 });
    await insertEvent(db, 'callback.delivered', DAY, { event: 'request.approved', attempt: 1 });
    await insertEvent(db, 'callback.delivered', 2 * DAY, { event: 'request.approved', attempt: 2 });
    await insertEvent(db, 'callback.failed', 2 * DAY, { event: 'request.denied', attempt: 1, status: 500 });
    await insertEvent(db, 'callback.failed', 3 * DAY, {
      event: 'request.denied',
      attempt: 8,
      status: 500,
      final: true,
    });
  });

  it('computes the last 7 days exactly', async () => {
    const week = await computeWindowStats(t.app.db, 7, NOW);
    expect(week).toEqual({
      days: 7,
      from: ago(7 * DAY),
      to: NOW,
      requests: 8,
      outcomes: { approved: 3, denied: 2, expired: 1, cancelled: 1, pending: 1 },
      autoDecided: 2,
      approvalRate: 3 / 7,
      expiredShare: 1 / 7,
      decided: 3,
      // 60, 600, 1800 s: the median, and p90 interpolated 80% of the way from 600 to 1800.
      timeToDecide: { median: 600, p90: 1560 },
      topActions: [
        { action: 'db.drop_table', requests: 3 },
        { action: 'deploy', requests: 3 },
        { action: 'restart', requests: 2 },
      ],
      slowestRules: [
        { rule: 'Prod DB', decided: 2, median: 1200, p90: 1680 },
        { rule: null, decided: 1, median: 60, p90: 60 },
      ],
      approvers: [
        { userId: ALICE, votes: 2, approvals: 1, medianSeconds: 330 },
        { userId: BOB, votes: 1, approvals: 1, medianSeconds: 1800 },
      ],
      cardFailures: 1,
      executions: { reported: 3, failed: 2 },
      callbacks: { delivered: 2, failed: 1 },
    });
  });

  it('computes the last 30 days exactly', async () => {
    const month = await computeWindowStats(t.app.db, 30, NOW);
    expect(month).toMatchObject({
      requests: 10,
      outcomes: { approved: 4, denied: 3, expired: 1, cancelled: 1, pending: 1 },
      autoDecided: 2,
      approvalRate: 4 / 9,
      expiredShare: 1 / 9,
      decided: 5,
      // 60, 300, 600, 1800, 7200 s.
      timeToDecide: { median: 600, p90: 5040 },
      topActions: [
        { action: 'db.drop_table', requests: 4 },
        { action: 'deploy', requests: 4 },
        { action: 'restart', requests: 2 },
      ],
      slowestRules: [
        { rule: 'Prod DB', decided: 3, median: 1800, p90: 6120 },
        { rule: null, decided: 2, median: 180, p90: 276 },
      ],
      approvers: [
        { userId: ALICE, votes: 3, approvals: 2, medianSeconds: 600 },
        { userId: BOB, votes: 2, approvals: 1, medianSeconds: 1050 },
      ],
      executions: { reported: 4, failed: 3 },
      callbacks: { delivered: 2, failed: 1 },
    });
  });

  it('an admin opens Approval stats from App Home and sees those numbers; a non-admin is refused', async () => {
    await t.sender.event({ type: 'app_home_opened', user: ADMIN, tab: 'home' });
    await eventually(() => JSON.stringify(t.slack.homes.get(ADMIN) ?? {}).includes('home_stats'));
    await t.sender.event({ type: 'app_home_opened', user: OUTSIDER, tab: 'home' });
    const outsiderHome = await eventually(() => t.slack.homes.get(OUTSIDER));
    expect(JSON.stringify(outsiderHome)).not.toContain('home_stats');

    const press = (user: string) =>
      t.sender.blockAction({
        user_id: user,
        action_id: 'home_stats',
        value: 'stats',
        view: { id: 'VHOME', type: 'home', private_metadata: '{}' },
      });
    expect((await press(ADMIN)).status).toBe(200);
    const updated = await t.slack.waitForCall('views.update', (call) =>
      JSON.stringify(call.args.view).includes('Last 30 days'),
    );
    expect(updated.response.ok).toBe(true);
    const text = JSON.stringify(updated.args.view);
    for (const expected of [
      'Last 7 days',
      '8 (2 decided by rules)',
      '42.9% (3 of 7 settled)',
      '14.3% (1)',
      'median 10 min · p90 26 min (3 decisions)',
      '2 of 3 reported',
      '*Prod DB* — 20 min · 28 min · 2',
      `<@${ALICE}> — 2 · 1 · 6 min`,
      '10 (2 decided by rules)',
      '44.4% (4 of 9 settled)',
    ]) {
      expect(text).toContain(expected);
    }
    const opened = t.slack
      .callsOf('views.open')
      .find((call) => JSON.stringify(call.args.view).includes('approval_stats_modal'));
    expect(opened?.response.ok).toBe(true);

    // Cached for a minute (the clock is pinned): a new request does not change what admins see yet.
    const before = await approvalStats(t.app.deps);
    await insertKnown(t.app.db, { action: 'new.one', status: 'pending', createdAgo: 60 });
    expect(await approvalStats(t.app.deps)).toBe(before);

    const refused = t.slack.callsOf('views.open').length;
    expect((await press(OUTSIDER)).status).toBe(200);
    await eventually(async () => {
      const rows = await t.app.db.auditEvent.findMany({ where: { type: 'admin.refused', actorId: OUTSIDER } });
      return rows.some((row) => (row.details as { attempted?: string }).attempted === 'home_stats');
    });
    expect(t.slack.callsOf('views.open')).toHaveLength(refused);
  });
});
