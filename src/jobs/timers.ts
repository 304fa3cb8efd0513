import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RequestStatus } from '../domain/request-status.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { owedTimerPage } from '../services/requests/store/reconcile-queries.ts';
import { workflowOf } from '../services/routing/rule-schema.ts';
import { escalateRequest } from './definitions/escalate-request.ts';
import { expireRequest } from './definitions/expire-request.ts';
import { lapseGrant } from './definitions/lapse-grant.ts';
import { notifyApprovers } from './definitions/notify-approvers.ts';
import { notifyLater } from './definitions/notify-later.ts';
import { remindApprovers } from './definitions/remind-approvers.ts';
import { warnExpiry } from './definitions/warn-expiry.ts';
import { JOB_IDS } from './job-ids.ts';
import type { JobDeps } from './queues.ts';
import type { AnyJobDefinition } from './runtime.ts';
import {
  escalationDue,
  expiryWarningDue,
  MIN_WARNED_TTL_SECONDS,
  reminderDue,
  type WorkflowClock,
} from './workflow-due.ts';

/** The request columns a timer's due time (and its step: reminder slot, escalation level) is read from. */
export interface TimerRow extends WorkflowClock {
  id: string;
  grantExpiresAt: Date | null;
  approversNotifyAt: Date | null;
  approversNotifiedAt: Date | null;
  notifyLaterAt: Date | null;
  notifiedLaterAt: Date | null;
  /** Multi-stage chains: approver DMs are owed again when a stage starts, under that stage's job ids. */
  currentStage: number;
}

/**
 * A kind of per-request timer: a delayed job with a deterministic id, due at a time PostgreSQL
 * holds. One rule serves every kind: a request that `dueAt` gives a time to has exactly one such
 * job, at that time; any other request has none. Scheduling, cancelling and the reconciler's
 * repair all go through it. A kind that fires in steps (reminder slots, escalation levels) names
 * its NEXT step in `jobId` and `payload`, read from the row's once-guards: each step has its own
 * id, so it fires once, and a fired step is never scheduled again.
 */
export interface TimerKind {
  name: string;
  definition: AnyJobDefinition<JobDeps>;
  jobId(request: TimerRow): string;
  /** The job's payload (ids only), checked by the definition's schema when enqueued. */
  payload(request: TimerRow): unknown;
  /** When the timer should fire for this request, or null when it should not exist. */
  dueAt(request: TimerRow): Date | null;
  /** The rows that may owe this timer (a superset; `dueAt` decides), for the reconciler. */
  owedWhere: Prisma.ApprovalRequestWhereInput;
  /** The status the timer itself moves a request to (its job is then running or done, never cancelled); null for none. */
  firesInto: RequestStatus | null;
  /**
   * Whether the request can have this timer at all (its workflow asks for it); when not, a change
   * to the request leaves Redis alone instead of removing a job that was never added.
   */
  applies?(request: TimerRow): boolean;
}

const ref = (request: TimerRow) => ({ requestId: request.id });

export const TIMERS: readonly TimerKind[] = [
  {
    name: 'expiry',
    definition: expireRequest,
    jobId: (request) => JOB_IDS.expire(request.id),
    payload: ref,
    dueAt: (request) => (request.status === 'pending' ? request.expiresAt : null),
    owedWhere: { status: 'pending' },
    firesInto: 'expired',
  },
  {
    name: 'lapse',
    definition: lapseGrant,
    jobId: (request) => JOB_IDS.lapse(request.id),
    payload: ref,
    dueAt: (request) => (request.status === 'approved' ? request.grantExpiresAt : null),
    owedWhere: { status: 'approved' },
    firesInto: 'lapsed',
  },
  {
    name: 'reminder',
    definition: remindApprovers,
    jobId: (request) => JOB_IDS.remind(request.id, request.lastReminderSlot + 1),
    payload: (request) => ({ requestId: request.id, step: request.lastReminderSlot + 1 }),
    dueAt: (request) => reminderDue(request, request.lastReminderSlot + 1),
    owedWhere: { status: 'pending' },
    firesInto: null,
    applies: (request) => workflowOf(request.workflow).reminder !== null,
  },
  {
    name: 'escalation',
    definition: escalateRequest,
    jobId: (request) => JOB_IDS.escalate(request.id, request.escalationLevel),
    payload: (request) => ({ requestId: request.id, step: request.escalationLevel }),
    dueAt: (request) => escalationDue(request, request.escalationLevel),
    owedWhere: { status: 'pending' },
    firesInto: null,
    applies: (request) => workflowOf(request.workflow).escalation.length > 0,
  },
  {
    name: 'expiry-warning',
    definition: warnExpiry,
    jobId: (request) => JOB_IDS.warnExpiry(request.id),
    payload: ref,
    dueAt: expiryWarningDue,
    owedWhere: { status: 'pending', expiryWarnedAt: null },
    firesInto: null,
    // Warned already (its job is done), or never warned (too short a time to decide).
    applies: (request) =>
      request.expiryWarnedAt === null &&
      request.expiresAt.getTime() - request.createdAt.getTime() >= MIN_WARNED_TTL_SECONDS * 1000,
  },
  // Approver DMs (APPROVER_DMS): they change no status, so they "fire into" pending — a pending
  // request with nothing due has had them sent, and is left alone; a decided one has them removed.
  // A chain owes them again when a stage starts (decide.ts re-arms the columns), under the stage's ids.
  {
    name: 'approvers-notify',
    definition: notifyApprovers,
    jobId: (request) => JOB_IDS.approversNotify(request.id, request.currentStage),
    payload: ref,
    dueAt: (request) =>
      request.status === 'pending' && request.approversNotifiedAt === null ? request.approversNotifyAt : null,
    owedWhere: { status: 'pending', approversNotifyAt: { not: null }, approversNotifiedAt: null },
    firesInto: 'pending',
    applies: (request) => request.approversNotifyAt !== null,
  },
  {
    name: 'notify-later',
    definition: notifyLater,
    jobId: (request) => JOB_IDS.notifyLater(request.id, request.currentStage),
    payload: ref,
    dueAt: (request) =>
      request.status === 'pending' && request.notifiedLaterAt === null ? request.notifyLaterAt : null,
    owedWhere: { status: 'pending', notifyLaterAt: { not: null }, notifiedLaterAt: null },
    firesInto: 'pending',
    applies: (request) => request.notifyLaterAt !== null,
  },
];

type TimerDeps = Pick<JobDeps, 'jobs' | 'now'>;

/**
 * Makes the request's timer of this kind agree with its row: scheduled (or moved) to `dueAt`, or
 * removed when none is due. `fresh` skips the lookup for a request created this moment.
 */
export async function syncTimer(
  deps: TimerDeps,
  kind: TimerKind,
  request: TimerRow,
  options: { fresh?: boolean } = {},
): Promise<'scheduled' | 'moved' | 'kept' | 'removed' | 'none'> {
  const jobId = kind.jobId(request);
  const due = kind.dueAt(request);
  const payload = kind.payload(request);
  if (due === null) {
    if (options.fresh || request.status === kind.firesInto || kind.applies?.(request) === false) return 'none';
    return (await deps.jobs.queue(kind.definition.queue).remove(jobId)) === 1 ? 'removed' : 'none';
  }
  const delay = Math.max(0, due.getTime() - deps.now().getTime());
  if (options.fresh) {
    await deps.jobs.enqueue(kind.definition, payload, { jobId, delay });
    return 'scheduled';
  }
  const existing = await deps.jobs.queue(kind.definition.queue).getJob(jobId);
  if (existing !== undefined) {
    const state = await existing.getState();
    if (state === 'delayed') {
      // Adding a job whose id exists is a no-op that keeps the old delay: move it instead.
      if (existing.delay + existing.timestamp === due.getTime()) return 'kept';
      await existing.changeDelay(delay);
      return 'moved';
    }
    if (state === 'active' || state === 'waiting' || state === 'prioritized') return 'kept';
    await existing.remove();
  }
  await deps.jobs.enqueue(kind.definition, payload, { jobId, delay });
  return 'scheduled';
}

/** Brings every timer of these requests in line with their rows (after a change, or a new request). */
export async function syncTimers(
  deps: TimerDeps,
  requests: readonly TimerRow[],
  options: { fresh?: boolean } = {},
): Promise<void> {
  await Promise.all(requests.flatMap((request) => TIMERS.map((kind) => syncTimer(deps, kind, request, options))));
}

const PAGE = 500;

/**
 * Re-creates every timer PostgreSQL says is owed and Redis lacks (after a flush, or an enqueue that
 * failed), kind by kind, paging through the rows by id. Returns how many it scheduled.
 */
export async function repairTimers(deps: Pick<JobDeps, 'jobs' | 'now' | 'db' | 'redis'>): Promise<number> {
  let repaired = 0;
  for (const kind of TIMERS) {
    const queue = deps.jobs.queue(kind.definition.queue);
    let cursor: string | undefined;
    for (;;) {
      const rows = await owedTimerPage(deps.db, kind.owedWhere, cursor, PAGE);
      const owed = rows.filter((row) => kind.dueAt(row) !== null);
      const waiting = await delayedAmong(deps.redis, queue, owed.map(kind.jobId));
      for (const row of owed) {
        // A healthy timer waits in the delayed set: one command checked the whole page.
        if (waiting.has(kind.jobId(row))) continue;
        // Otherwise look closer. A step's job that exists but has finished — failed after its attempts,
        // or completed without the row recording the step — no longer owns the timer: the row still
        // owes it, so re-create it. (`finishedOn` is set exactly when a job completed or failed.)
        const existing = await queue.getJob(kind.jobId(row));
        if (existing !== undefined && existing.finishedOn === undefined) continue;
        if ((await syncTimer(deps, kind, row)) === 'scheduled') repaired += 1;
      }
      if (rows.length < PAGE) break;
      cursor = rows.at(-1)?.id;
    }
  }
  return repaired;
}

/**
 * Which of these job ids wait in the queue's delayed set, in ONE command (ZMSCORE over the page),
 * where looking each job up would cost a command per timer. BullMQ keeps a delayed job's id as a
 * member of that sorted set until it is due, so membership is exactly "scheduled, not yet run".
 */
async function delayedAmong(redis: Redis, queue: Queue, jobIds: string[]): Promise<Set<string>> {
  if (jobIds.length === 0) return new Set();
  const scores = await redis.zmscore(queue.getBackend().keys.delayed as string, ...jobIds);
  return new Set(jobIds.filter((_, index) => scores[index] !== null));
}
