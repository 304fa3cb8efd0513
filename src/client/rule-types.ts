/** Rules as code, as `GET /api/v1/rules` answers them and `PUT /api/v1/rules` takes them. */

import type { Risk } from './request-basics.ts';

/** A glob, or a list of globs any one of which may match. */
export type Globs = string | string[];

/**
 * One routing rule as the rules routes and rules files give it (the public rule document). Omitted
 * fields take their defaults: any action and resource, require approval, one approval, no workflow.
 */
export interface RuleDocument {
  name: string;
  /** Position in the list (1 = first); only PUT /rules uses it, and then only to order the list. */
  priority?: number;
  enabled?: boolean;
  match?: {
    actions?: Globs;
    resources?: Globs;
    environments?: string[];
    minRisk?: Risk | null;
    time?: {
      mode?: 'inside' | 'outside';
      /** 1 = Monday … 7 = Sunday. */
      days?: number[];
      /** HH:MM */
      start: string;
      end: string;
      timeZone?: string;
    } | null;
  };
  outcome?: 'require_approval' | 'auto_approve' | 'auto_deny';
  denyMessage?: string | null;
  /** Where cards are posted (a channel id); null: the service's APPROVAL_CHANNEL. */
  channel?: string | null;
  /** Slack user (U…/W…) and user-group (S…) ids. */
  approvers?: string[];
  requiredApprovals?: number;
  ttlSeconds?: number | null;
  grantSeconds?: number | null;
  requireReason?: boolean;
  stages?: Array<{ name: string; approvers: string[]; requiredApprovals?: number }> | null;
  reminder?: { afterSeconds: number; repeatSeconds?: number | null } | null;
  escalation?: Array<{ afterSeconds: number; approvers: string[]; channel?: string | null }>;
  breakGlass?: { allowed?: boolean; channel?: string | null } | null;
  needsInfo?: { extendSeconds: number } | null;
}

/** A rule as the service answers it: its canonical document with its id, position and manager. */
export type RuleJson = Omit<RuleDocument, 'priority'> & {
  id: string;
  /** Position in the list: 1 is tried first. */
  priority: number;
  /** `file` when applied by PUT /rules (a rules file). */
  managedBy: string | null;
  updatedAt: string;
};

/**
 * Identity links beside the rules: provider → login → Slack user id (`github: { octocat: U0123ABCD }`).
 * Sent with the rules, the section is the whole set (a login left out is unlinked); not sent, the
 * links are left as they are. Logins are listed lower-cased.
 */
export type Identities = Record<string, Record<string, string>>;

/** `GET /api/v1/rules`: a rules file's content. */
export interface RulesExport {
  rules: RuleJson[];
  /** Every provider's links (a provider without links: an empty map). */
  identities: Identities;
}

/** What applying a file's links of one provider does (or would do); logins lower-cased. */
export interface IdentityDiff {
  added: Array<{ login: string; slackUserId: string }>;
  changed: Array<{ login: string; before: string; after: string }>;
  removed: Array<{ login: string; slackUserId: string }>;
  unchanged: number;
}

/** One rule of a diff. */
export interface RuleDiffEntry {
  id: string;
  name: string;
  priority: number;
}

/** What replacing the rules does (or would do), rules matched by name; `priority` is the position. */
export interface RulesDiff {
  added: Array<{ name: string; priority: number }>;
  changed: Array<RuleDiffEntry & { changes: Array<{ field: string; before: unknown; after: unknown }> }>;
  removed: RuleDiffEntry[];
  unchanged: RuleDiffEntry[];
  /** Only when identities were sent: each provider's links added, changed and removed. */
  identities?: Record<string, IdentityDiff>;
}

/** The answer of `PUT /api/v1/rules`. */
export interface RulesApplied {
  dryRun: boolean;
  /** False for a dry run: nothing was changed. */
  applied: boolean;
  diff: RulesDiff;
  /** Every rule after applying (not on a dry run). */
  rules?: RuleJson[];
  /** Every identity link after applying (not on a dry run). */
  identities?: Identities;
}
