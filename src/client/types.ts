/**
 * The service API's JSON, as plain TypeScript types for callers. Hand-written to mirror
 * `toRequestJson` (src/services/requests/wire/request-json.ts) so the client pulls in no server code; a test
 * holds the two equal.
 */

import type { ContextValue, RequestStatus, Risk } from './request-basics.ts';

export type { ContextValue, RequestStatus, Risk } from './request-basics.ts';

/** Who did something, as the API reports it. */
export type ActorJson =
  | { type: 'user'; id: string }
  | {
      type: 'service';
      id: string /** The Slack user the service acted for (the requester it named). */;
      onBehalfOf?: string;
    }
  | { type: 'rule'; id: string }
  | { type: 'system'; id?: string }
  | { type: 'anonymous'; id?: string };

/** One approver's vote. */
export interface VoteJson {
  voter: string;
  decision: string;
  reason: string | null;
  /** Multi-stage chains: the stage (0-based) this vote counted for; null without stages. */
  stage: number | null;
  at: string;
}

/** One stage of a multi-stage chain, as the request reports it. */
export interface StageJson {
  name: string;
  requiredApprovals: number;
  approvers: string[];
  approvedBy: string[];
  status: 'done' | 'current' | 'waiting';
}

/** The after-the-fact review of a break-glass approval. */
export interface BreakGlassReviewJson {
  verdict: 'acceptable' | 'not_acceptable';
  note: string | null;
  by: string;
  at: string;
}

/** A needs-info question an approver asked the requester. */
export interface QuestionJson {
  id: string;
  askedBy: string;
  question: string;
  askedAt: string;
  answer: string | null;
  answeredAt: string | null;
  /** How far the question moved the deadline, in seconds (0: the rule sets no needsInfo). */
  extendedBySeconds: number;
}

/** A request to extend an approved grant, and how it was decided. */
export interface ExtensionJson {
  id: string;
  seconds: number;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  status: 'pending' | 'approved' | 'denied' | 'moot';
  decidedBy: string | null;
  decidedAt: string | null;
  /** When approved: the new grant's expiry. */
  grantExpiresAt: string | null;
}

/** One event of the request's audit trail (only `GET /requests/:id` includes them). */
export interface AuditEventJson {
  id: string;
  type: string;
  actor: { type: string; id: string | null };
  details: unknown;
  at: string;
}

/** A request as every `/api/v1/requests` route answers it. Times are ISO 8601 strings. */
export interface RequestJson {
  id: string;
  status: RequestStatus;
  action: string;
  resource: string;
  environment: string | null;
  risk: Risk;
  reason: string;
  context: Record<string, ContextValue>;
  /** SHA-256 of the canonical action, resource, environment and context: what the grant binds. */
  paramsHash: string;
  requester: { slackUserId: string; email: string | null };
  source: string;
  route: {
    rule: { id: string; name: string | null } | null;
    channel: string;
    approvers: string[];
    requiredApprovals: number;
  };
  /** When a still-pending request expires. */
  expiresAt: string;
  createdAt: string;
  decision: {
    status: RequestStatus;
    by: string | null;
    actor: ActorJson | null;
    at: string;
    reason: string | null;
    grantExpiresAt: string | null;
  } | null;
  executedAt: string | null;
  /** How an approved request's grant ended without being executed (revoked or lapsed). */
  grantEnd: {
    status: RequestStatus;
    at: string;
    by: string | null;
    actor: ActorJson | null;
    reason: string | null;
  } | null;
  /** The grant token, present only while the request is approved and the grant unspent. */
  grant: { token: string; expiresAt: string } | null;
  votes: VoteJson[];
  /** The oldest unanswered needs-info question of a pending request, or null. */
  needsInfo: QuestionJson | null;
  questions: QuestionJson[];
  extensions: ExtensionJson[];
  /** Multi-stage chains: the stages in order (null without stages). */
  stages: StageJson[] | null;
  /** Whether the requester approved it through break-glass (`decision.reason` holds the justification). */
  breakGlass: boolean;
  /** The review of a break-glass approval; null until reviewed (and without break-glass). */
  breakGlassReview: BreakGlassReviewJson | null;
  slack: { channel: string; messageTs: string | null; error: string | null };
  callbackUrl: string | null;
  audit?: AuditEventJson[];
}

/** What `client.request()` sends: the body of `POST /api/v1/requests`. */
export interface CreateRequestInput {
  /** What is to be done, e.g. `db.drop_table` (letters, digits and `_ . : / * -`). */
  action: string;
  /** What it is done to, e.g. `prod/customers`. */
  resource: string;
  /** Why, shown to the approvers. */
  reason: string;
  /** Who asks: exactly one of a Slack user id or an e-mail address Slack knows. */
  requester: { slackUserId: string; email?: never } | { email: string; slackUserId?: never };
  environment?: string;
  /** Defaults to `medium`. */
  risk?: Risk;
  /** Up to 50 flat fields the approval is bound to (they are part of the grant's params hash). */
  context?: Record<string, ContextValue>;
  /** Time to decide, within the service's MIN_TTL_SECONDS–MAX_TTL_SECONDS (a rule may shorten it). */
  ttlSeconds?: number;
  /** Where signed webhooks about this request are sent. */
  callbackUrl?: string;
  /** Break-glass: approve at once (the requester's own emergency approval), where the matching rule allows it. */
  breakGlass?: boolean;
  /** Why it is an emergency; required with `breakGlass: true`. */
  breakGlassReason?: string;
  /**
   * Spend the grant at once when the request is approved as it is created (an auto-approve rule, a
   * standing approval): the answer is `executed` with the spent grant to verify, and no execute call follows.
   */
  executeOnApproval?: boolean;
  /** The MCP tool call this request stands for (`greenlight mcp-proxy` sends it): rules match on its annotations. */
  mcp?: {
    server: string;
    tool: string;
    annotations?: {
      readOnlyHint?: boolean | undefined;
      destructiveHint?: boolean | undefined;
      idempotentHint?: boolean | undefined;
      openWorldHint?: boolean | undefined;
    };
    /** SHA-256 (hex) of the arguments' canonical JSON. */
    argumentsSha256: string;
    /** The arguments, for rules that take the resource from them; not stored. */
    arguments?: Record<string, unknown>;
  };
}

/** What the caller reports about a command it ran under a grant (`POST /requests/:id/result`). */
export interface ExecutionResult {
  /** The exit code 0–255, or null when the process ended by a signal. */
  exitCode: number | null;
  /** The signal that ended the process (`SIGTERM` …), if one did. */
  signal?: string | null;
  durationMs: number;
}

/** A field-level problem in a refused request body. */
export interface FieldErrorJson {
  path: string;
  message: string;
}

/** The claims of a verified grant token (one type with the signer's). */
export type { GrantClaims } from '../domain/grant-claims.ts';

/** A webhook Greenlight sent, once its signature checked out. */
export interface WebhookEvent<T = unknown> {
  type: string;
  timestamp: string;
  data: T;
}

/**
 * How an audit chain is broken at an event: altered (`hash_mismatch`), not linked to the event before
 * it (`prev_hash_mismatch`: events missing between, or that one rewritten), its first events
 * missing (`missing_start`), or a request with no events at all (`missing_chain`).
 */
export type AuditBreakKind = 'hash_mismatch' | 'prev_hash_mismatch' | 'missing_start' | 'missing_chain';

/** The first break of one audit chain (a request's, or the global one when `requestId` is null). */
export interface AuditChainBreak {
  requestId: string | null;
  /** The event where the chain breaks (a decimal id); null for `missing_chain`. */
  eventId: string | null;
  kind: AuditBreakKind;
  previousEventId: string | null;
  /** The hash the check expected, and the one the row holds. */
  expected: string | null;
  found: string | null;
  message: string;
}

/** What `GET /api/v1/audit/verify` answers (admin keys): every chain walked, the first break of each. */
export interface AuditVerifyReport {
  ok: boolean;
  chainsChecked: number;
  eventsChecked: number;
  breaksFound: number;
  /** At most 100; `breaksFound` counts them all. */
  breaks: AuditChainBreak[];
}

// Rules as code (`GET`/`PUT /api/v1/rules`): their own file.
export type * from './rule-types.ts';
