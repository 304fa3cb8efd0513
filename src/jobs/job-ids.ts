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
  /** Re-rendering the card for one version of the request. */
  updateCard: (requestId: string, version: number) => `card-update-${requestId}-v${version}`,
  /** An outcome notice in the card's thread: the decision (by the status decided), then the grant's end (by its status). */
  threadReply: (requestId: string, status: string) => `thread-${requestId}-${status}`,
  /** A DM to the requester: `submitted`, `card_failed`, or an outcome notice (by status, as for thread replies). */
  dm: (requestId: string, what: string) => `dm-${requestId}-${what}`,
  /** The callback reporting the request reaching `status` (one delivery, retried under this id). */
  callback: (requestId: string, status: string) => `callback-${requestId}-${status}`,
  /** A report to GitHub about a gated deployment: `waiting` (status report) or `decision`. */
  githubReport: (requestId: string, kind: string) => `github-${kind}-${requestId}`,
  /** The job scheduler that runs the reconciler every interval. */
  reconcileScheduler: 'reconcile',
} as const;
