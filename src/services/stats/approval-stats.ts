import { Prisma } from '../../generated/prisma/client.ts';
import type { CoreDeps } from '../ports.ts';
import type { Tx } from '../types.ts';
import { STATS_TOP, STATS_WINDOWS, type StatsWindow, type WindowStats } from './window-stats.ts';

/** Only approve/deny by approvers: a status reached by vote, decided by a user (not `rule:…`). */
const BY_APPROVERS = Prisma.raw(`status IN ('approved', 'denied', 'executed', 'revoked', 'lapsed')
  AND decided_at IS NOT NULL AND decided_by IS NOT NULL AND decided_by NOT LIKE 'rule:%'`);

const seconds = (value: number | string | null): number | null => (value === null ? null : Number(value));

/**
 * Computes one window's stats in PostgreSQL (counts with FILTER, percentile_cont for medians and
 * p90), over requests created in [from, to), votes cast and audit events written in it.
 */
export async function computeWindowStats(db: Tx, days: StatsWindow, to: Date): Promise<WindowStats> {
  const from = new Date(to.getTime() - days * 24 * 3600 * 1000);
  const [summaryRows, actionRows, ruleRows, approverRows, auditRows] = await Promise.all([
    db.$queryRaw<
      Array<{
        requests: number;
        approved: number;
        denied: number;
        expired: number;
        cancelled: number;
        pending: number;
        auto_decided: number;
        card_failures: number;
        decided: number;
        median: number | null;
        p90: number | null;
      }>
    >`SELECT count(*)::int AS requests,
              count(*) FILTER (WHERE status IN ('approved', 'executed', 'revoked', 'lapsed'))::int AS approved,
              count(*) FILTER (WHERE status = 'denied')::int AS denied,
              count(*) FILTER (WHERE status = 'expired')::int AS expired,
              count(*) FILTER (WHERE status = 'cancelled')::int AS cancelled,
              count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE decided_by LIKE 'rule:%')::int AS auto_decided,
              count(*) FILTER (WHERE slack_error IS NOT NULL)::int AS card_failures,
              count(*) FILTER (WHERE ${BY_APPROVERS})::int AS decided,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at))
                FILTER (WHERE ${BY_APPROVERS}) AS median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at))
                FILTER (WHERE ${BY_APPROVERS}) AS p90
         FROM approval_requests WHERE created_at >= ${from} AND created_at < ${to}`,
    db.$queryRaw<
      Array<{ action: string; requests: number }>
    >`SELECT action, count(*)::int AS requests FROM approval_requests
        WHERE created_at >= ${from} AND created_at < ${to}
        GROUP BY action ORDER BY requests DESC, action LIMIT ${STATS_TOP}`,
    db.$queryRaw<
      Array<{ rule: string | null; decided: number; median: number; p90: number }>
    >`SELECT rule_name AS rule, count(*)::int AS decided,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)) AS median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)) AS p90
         FROM approval_requests WHERE created_at >= ${from} AND created_at < ${to} AND ${BY_APPROVERS}
        GROUP BY rule_name ORDER BY median DESC, rule_name NULLS LAST LIMIT ${STATS_TOP}`,
    db.$queryRaw<
      Array<{ user_id: string; votes: number; approvals: number; median: number | null }>
    >`SELECT v.voter_id AS user_id, count(*)::int AS votes,
              count(*) FILTER (WHERE v.decision = 'approve')::int AS approvals,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM v.created_at - r.created_at)) AS median
         FROM votes v JOIN approval_requests r ON r.id = v.request_id
        WHERE v.created_at >= ${from} AND v.created_at < ${to}
        GROUP BY v.voter_id ORDER BY votes DESC, v.voter_id LIMIT ${STATS_TOP}`,
    db.$queryRaw<
      Array<{ executions: number; executions_failed: number; delivered: number; failed: number }>
    >`SELECT count(*) FILTER (WHERE type = 'execution.reported')::int AS executions,
              count(*) FILTER (WHERE type = 'execution.reported' AND details->>'exitCode' IS DISTINCT FROM '0')::int
                AS executions_failed,
              count(*) FILTER (WHERE type = 'callback.delivered')::int AS delivered,
              count(*) FILTER (WHERE type = 'callback.failed' AND details->>'final' = 'true')::int AS failed
         FROM audit_events
        WHERE created_at >= ${from} AND created_at < ${to}
          AND type IN ('execution.reported', 'callback.delivered', 'callback.failed')`,
  ]);
  const summary = summaryRows[0];
  const audit = auditRows[0];
  const outcomes = {
    approved: summary?.approved ?? 0,
    denied: summary?.denied ?? 0,
    expired: summary?.expired ?? 0,
    cancelled: summary?.cancelled ?? 0,
    pending: summary?.pending ?? 0,
  };
  const settled = outcomes.approved + outcomes.denied + outcomes.expired + outcomes.cancelled;
  return {
    days,
    from,
    to,
    requests: summary?.requests ?? 0,
    outcomes,
    autoDecided: summary?.auto_decided ?? 0,
    approvalRate: settled === 0 ? null : outcomes.approved / settled,
    expiredShare: settled === 0 ? null : outcomes.expired / settled,
    decided: summary?.decided ?? 0,
    timeToDecide: { median: seconds(summary?.median ?? null), p90: seconds(summary?.p90 ?? null) },
    topActions: actionRows,
    slowestRules: ruleRows.map((row) => ({
      rule: row.rule,
      decided: row.decided,
      median: seconds(row.median),
      p90: seconds(row.p90),
    })),
    approvers: approverRows.map((row) => ({
      userId: row.user_id,
      votes: row.votes,
      approvals: row.approvals,
      medianSeconds: seconds(row.median),
    })),
    cardFailures: summary?.card_failures ?? 0,
    executions: { reported: audit?.executions ?? 0, failed: audit?.executions_failed ?? 0 },
    callbacks: { delivered: audit?.delivered ?? 0, failed: audit?.failed ?? 0 },
  };
}

/**
 * The stats of every window, as of now, from the app's stats cache when fresh (a minute): an admin
 * pressing the button again, or several admins at once, cost one computation.
 */
export async function approvalStats(deps: Pick<CoreDeps, 'db' | 'caches' | 'now'>): Promise<WindowStats[]> {
  const cached = deps.caches.stats.get('all');
  if (cached !== undefined) return cached;
  const now = deps.now();
  const stats: WindowStats[] = [];
  // One window at a time: each already runs its queries side by side on the pool.
  for (const days of STATS_WINDOWS) stats.push(await computeWindowStats(deps.db, days, now));
  deps.caches.stats.set('all', stats);
  return stats;
}
