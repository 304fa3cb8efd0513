/**
 * Every deterministic BullMQ job id, spelled once. A deterministic id makes scheduling idempotent:
 * adding a job whose id exists is a no-op, so an effect repeated by a retry, a second instance or
 * the reconciler never sends a card or a DM twice. BullMQ rejects custom ids containing `:` or made
 * only of digits; every id here starts with a word and joins parts with `-`.
 */
export const JOB_IDS = {
  /** The request's deadline. */
  expire: (requestId: string) => `expire-${requestId}`,
  /** The end of the request's grant window. */
  lapse: (requestId: string) => `lapse-${requestId}`,
  /** Posting the request's card (once per request). */
  postCard: (requestId: string) => `card-post-${requestId}`,
  /** A request's follow-up for one version: its card re-rendered and the outcome notices it owes (update-card.ts). */
  updateCard: (requestId: string, version: number) => `card-update-${requestId}-v${version}`,
  /** A DM to the requester sent by a job of its own: `submitted` (when the card job could not) or `card_failed`. */
  dm: (requestId: string, what: string) => `dm-${requestId}-${what}`,
  /** The callback reporting the request reaching `status` (one delivery, retried under this id). */
  callback: (requestId: string, status: string) => `callback-${requestId}-${status}`,
  /** A Terraform run task's result report: `running` while it waits, then `final` (one each, retried under this id). */
  terraformReport: (requestId: string, phase: string) => `terraform-${requestId}-${phase}`,
  /** A needs-info or extension notice (workflow-notices.ts): its kind and the question's or extension's id. */
  workflowNotice: (kind: string, id: string) => `workflow-${kind}-${id}`,
  // Workflow timers (reminders, escalation, expiry warning): one job per step, so each step fires once.
  /** Reminder `slot` (1, 2, …) of the request: a thread reply mentioning the approvers who have not voted. */
  remind: (requestId: string, slot: number) => `remind-${requestId}-${slot}`,
  /** Escalation level `index` (0, 1, …) of the request. */
  escalate: (requestId: string, index: number) => `escalate-${requestId}-${index}`,
  /** The escalation notice of level `level` (1, 2, …): a DM to one added approver, or (no user) the post in the level's channel. */
  escalationNotice: (requestId: string, level: number, userId: string | null) =>
    userId === null ? `escalated-post-${requestId}-${level}` : `escalated-dm-${requestId}-${level}-${userId}`,
  /** The DM warning the requester that the request is about to expire. */
  warnExpiry: (requestId: string) => `warn-expiry-${requestId}`,
  /** Multi-stage chains: the thread reply announcing that stage `stage` (0-based) started, mentioning its approvers. */
  stageNotice: (requestId: string, stage: number) => `stage-notice-${requestId}-${stage}`,
  /** Break-glass: the announcement of a request approved by break-glass, once. */
  breakGlassAnnounce: (requestId: string) => `break-glass-${requestId}`,
  // Out of office and availability (issue 10): approver DMs, available approvers first.
  /**
   * DM'ing a new request's available approvers (a timer due at creation, when APPROVER_DMS is on). A
   * multi-stage chain is told again, stage by stage, as each starts: one id per stage (0: creation).
   */
  approversNotify: (requestId: string, stage = 0) =>
    stage === 0 ? `approvers-notify-${requestId}` : `approvers-notify-${requestId}-stage-${stage}`,
  /** DM'ing the approvers who were away or in Do Not Disturb, later (one id per stage, like approversNotify). */
  notifyLater: (requestId: string, stage = 0) =>
    stage === 0 ? `approvers-later-${requestId}` : `approvers-later-${requestId}-stage-${stage}`,
  /** One approver's DM about a request (once per request and approver). */
  approverDm: (requestId: string, userId: string) => `approver-dm-${requestId}-${userId}`,
  /** A report to GitHub about a gated deployment: `waiting` (status report) or `decision`. */
  githubReport: (requestId: string, kind: string) => `github-${kind}-${requestId}`,
  /** The job scheduler that runs the reconciler every interval. */
  reconcileScheduler: 'reconcile',
} as const;
