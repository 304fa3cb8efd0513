/** The windows the stats view shows, in days. */
export const STATS_WINDOWS = [7, 30] as const;
export type StatsWindow = (typeof STATS_WINDOWS)[number];

/** How many rows each top list shows. */
export const STATS_TOP = 5;

/** A median and a 90th percentile, in seconds; null when nothing was measured. */
export interface Percentiles {
  median: number | null;
  p90: number | null;
}

/**
 * What happened in one window: requests created in it (by how they ended so far), how long
 * approvers took, what was asked most, which rules wait longest, who carries the load, and how
 * often what follows an approval failed. Times to decide count only decisions by approvers
 * (approve or deny by vote): a rule decides at once, and an expiry or a cancel is no decision.
 */
export interface WindowStats {
  days: StatsWindow;
  from: Date;
  to: Date;
  /** Requests created in the window. */
  requests: number;
  /** How they stand now; `approved` includes those since executed, revoked or lapsed. */
  outcomes: { approved: number; denied: number; expired: number; cancelled: number; pending: number };
  /** Decided by a rule at creation (approved or denied without anybody asked). */
  autoDecided: number;
  /** Approved ÷ no longer pending; null when none is settled. */
  approvalRate: number | null;
  /** Expired ÷ no longer pending; null when none is settled. */
  expiredShare: number | null;
  /** Decisions by approvers, and how long they took from creation. */
  decided: number;
  timeToDecide: Percentiles;
  topActions: Array<{ action: string; requests: number }>;
  /** Rules (null: the default route) by median time to decide, slowest first. */
  slowestRules: Array<{ rule: string | null; decided: number } & Percentiles>;
  /** Approvers by votes cast in the window, with how many approved and their median time to vote. */
  approvers: Array<{ userId: string; votes: number; approvals: number; medianSeconds: number | null }>;
  /** Cards Slack refused to post (the request records Slack's error). */
  cardFailures: number;
  /** Execution results reported in the window; failed: a non-zero exit code or a signal. */
  executions: { reported: number; failed: number };
  /** Callback deliveries in the window: delivered, and given up on (last attempt failed, or refused). */
  callbacks: { delivered: number; failed: number };
}
