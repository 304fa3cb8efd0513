/**
 * The statistics read from `approval_requests` (services/stats/approval-stats.ts): one statement
 * each over the requests created — or, for approvers, the votes cast — in [from, to). Counts with
 * FILTER, percentile_cont for medians and p90.
 */
import { Prisma } from '../../../generated/prisma/client.ts';
import type { Tx } from '../../types.ts';

/** Only approve/deny by approvers: a status reached by vote, decided by a user (not `rule:…`). */
const BY_APPROVERS = Prisma.raw(`status IN ('approved', 'denied', 'executed', 'revoked', 'lapsed')
  AND decided_at IS NOT NULL AND decided_by IS NOT NULL AND decided_by NOT LIKE 'rule:%'`);

/** The window's requests counted by outcome, with the median and p90 time to a decision by approvers. */
export function requestSummary(db: Tx, from: Date, to: Date) {
  return db.$queryRaw<
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
         FROM approval_requests WHERE created_at >= ${from} AND created_at < ${to}`;
}

/** The actions most requested in the window, at most `top`. */
export function topActions(db: Tx, from: Date, to: Date, top: number) {
  return db.$queryRaw<
    Array<{ action: string; requests: number }>
  >`SELECT action, count(*)::int AS requests FROM approval_requests
        WHERE created_at >= ${from} AND created_at < ${to}
        GROUP BY action ORDER BY requests DESC, action LIMIT ${top}`;
}

/** The rules whose requests approvers took longest to decide in the window (median), at most `top`. */
export function slowestRules(db: Tx, from: Date, to: Date, top: number) {
  return db.$queryRaw<
    Array<{ rule: string | null; decided: number; median: number; p90: number }>
  >`SELECT rule_name AS rule, count(*)::int AS decided,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)) AS median,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)) AS p90
         FROM approval_requests WHERE created_at >= ${from} AND created_at < ${to} AND ${BY_APPROVERS}
        GROUP BY rule_name ORDER BY median DESC, rule_name NULLS LAST LIMIT ${top}`;
}

/** The approvers who voted most in the window, with their approvals and median time to vote, at most `top`. */
export function busiestApprovers(db: Tx, from: Date, to: Date, top: number) {
  return db.$queryRaw<
    Array<{ user_id: string; votes: number; approvals: number; median: number | null }>
  >`SELECT v.voter_id AS user_id, count(*)::int AS votes,
              count(*) FILTER (WHERE v.decision = 'approve')::int AS approvals,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM v.created_at - r.created_at)) AS median
         FROM votes v JOIN approval_requests r ON r.id = v.request_id
        WHERE v.created_at >= ${from} AND v.created_at < ${to}
        GROUP BY v.voter_id ORDER BY votes DESC, v.voter_id LIMIT ${top}`;
}
