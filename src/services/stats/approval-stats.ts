import type { CoreDeps } from '../ports.ts';
import { busiestApprovers, requestSummary, slowestRules, topActions } from '../requests/store/stats-queries.ts';
import type { Tx } from '../types.ts';
import { STATS_TOP, STATS_WINDOWS, type StatsWindow, type WindowStats } from './window-stats.ts';

const seconds = (value: number | string | null): number | null => (value === null ? null : Number(value));

/**
 * Computes one window's stats in PostgreSQL (counts with FILTER, percentile_cont for medians and
 * p90), over requests created in [from, to), votes cast and audit events written in it.
 */
export async function computeWindowStats(db: Tx, days: StatsWindow, to: Date): Promise<WindowStats> {
  const from = new Date(to.getTime() - days * 24 * 3600 * 1000);
  const [summaryRows, actionRows, ruleRows, approverRows, auditRows] = await Promise.all([
    requestSummary(db, from, to),
    topActions(db, from, to, STATS_TOP),
    slowestRules(db, from, to, STATS_TOP),
    busiestApprovers(db, from, to, STATS_TOP),
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
