import type { RequestStatus } from '../domain/request-status.ts';
import { workflowOf } from '../services/routing/rule-schema.ts';

/** The request columns the workflow timers (reminders, escalation, expiry warning) read their due times from. */
export interface WorkflowClock {
  status: RequestStatus;
  createdAt: Date;
  expiresAt: Date;
  slackError: string | null;
  workflow: unknown;
  lastReminderSlot: number;
  expiryWarnedAt: Date | null;
  escalationLevel: number;
}

/** The requester is warned when this share of the time to decide has passed. */
export const EXPIRY_WARNING_AT = 0.8;
/**
 * Requests with less time to decide than this get no expiry warning: the last fifth of a shorter
 * window is too short for the requester to do anything with the DM (chase someone, ask again).
 */
export const MIN_WARNED_TTL_SECONDS = 60;

const after = (from: Date, seconds: number) => new Date(from.getTime() + seconds * 1000);

/**
 * When reminder `slot` (1, 2, …) is due: `afterSeconds` after creation, then every `repeatSeconds`.
 * Null when the request is no longer pending, its card failed for good (reminders are thread
 * replies), the workflow has no such slot, or the slot would fall at or after the deadline.
 */
export function reminderDue(request: WorkflowClock, slot: number): Date | null {
  if (request.status !== 'pending' || request.slackError !== null || slot < 1) return null;
  const { reminder } = workflowOf(request.workflow);
  if (reminder === null || (slot > 1 && reminder.repeatSeconds === null)) return null;
  const at = after(request.createdAt, reminder.afterSeconds + (slot - 1) * (reminder.repeatSeconds ?? 0));
  return at.getTime() < request.expiresAt.getTime() ? at : null;
}

/**
 * The latest reminder slot due at `now`, from `from` up: after a pause (Redis lost for a while,
 * workers down) one reminder goes out for every slot missed, not one per slot. `from` when no
 * later slot is due.
 */
export function latestDueSlot(request: WorkflowClock, from: number, now: Date): number {
  const { reminder } = workflowOf(request.workflow);
  if (reminder === null || reminder.repeatSeconds === null) return from;
  const elapsed = now.getTime() - request.createdAt.getTime() - reminder.afterSeconds * 1000;
  let slot = Math.max(from, Math.floor(elapsed / (reminder.repeatSeconds * 1000)) + 1);
  while (slot > from && reminderDue(request, slot) === null) slot -= 1;
  return slot;
}

/** When escalation level `level` (0, 1, …) is due; null when not pending, no such level, or at/after the deadline. */
export function escalationDue(request: WorkflowClock, level: number): Date | null {
  if (request.status !== 'pending') return null;
  const step = workflowOf(request.workflow).escalation[level];
  if (step === undefined) return null;
  const at = after(request.createdAt, step.afterSeconds);
  return at.getTime() < request.expiresAt.getTime() ? at : null;
}

/**
 * When the requester is warned that the request is about to expire: at 80 % of its time to decide,
 * once, for every pending request (with or without a workflow) given at least a minute to decide.
 * A deadline that moves (needs-info) moves the warning with it until it has been sent.
 */
export function expiryWarningDue(request: WorkflowClock): Date | null {
  if (request.status !== 'pending' || request.expiryWarnedAt !== null) return null;
  const span = request.expiresAt.getTime() - request.createdAt.getTime();
  if (span < MIN_WARNED_TTL_SECONDS * 1000) return null;
  return new Date(request.createdAt.getTime() + Math.floor(span * EXPIRY_WARNING_AT));
}
