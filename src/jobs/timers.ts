import type { RequestStatus } from '../domain/request-status.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { expireRequest } from './definitions/expire-request.ts';
import { lapseGrant } from './definitions/lapse-grant.ts';
import { notifyApprovers } from './definitions/notify-approvers.ts';
import { notifyLater } from './definitions/notify-later.ts';
import type { TRequestRef } from './definitions/payloads.ts';
import { JOB_IDS } from './job-ids.ts';
import type { JobDeps } from './queues.ts';
import type { JobDefinition } from './runtime.ts';

/** The request columns a timer's due time is read from. */
export interface TimerRow {
  id: string;
  status: RequestStatus;
  expiresAt: Date;
  grantExpiresAt: Date | null;
  approversNotifyAt: Date | null;
  approversNotifiedAt: Date | null;
  notifyLaterAt: Date | null;
  notifiedLaterAt: Date | null;
}

const TIMER_ROW_SELECT = {
  id: true,
  status: true,
  expiresAt: true,
  grantExpiresAt: true,
  approversNotifyAt: true,
  approversNotifiedAt: true,
  notifyLaterAt: true,
  notifiedLaterAt: true,
} satisfies Prisma.ApprovalRequestSelect;

/**
 * A kind of per-request timer: a delayed job with a deterministic id, due at a time PostgreSQL
 * holds. One rule serves every kind: a request that `dueAt` gives a time to has exactly one such
 * job, at that time; any other request has none. Scheduling, cancelling and the reconciler's
 * repair all go through it (the coming lapse, reminder and escalation timers are entries here).
 */
export interface TimerKind {
  name: string;
  definition: JobDefinition<TRequestRef, JobDeps>;
  jobId(requestId: string): string;
  /** When the timer should fire for this request, or null when it should not exist. */
  dueAt(request: TimerRow): Date | null;
  /** The rows that may owe this timer (a superset; `dueAt` decides), for the reconciler. */
  owedWhere: Prisma.ApprovalRequestWhereInput;
  /** The status the timer itself moves a request to: its job is then running or done, never cancelled. */
  firesInto: RequestStatus;
}

export const TIMERS: readonly TimerKind[] = [
  {
    name: 'expiry',
    definition: expireRequest,
    jobId: JOB_IDS.expire,
    dueAt: (request) => (request.status === 'pending' ? request.expiresAt : null),
    owedWhere: { status: 'pending' },
    firesInto: 'expired',
  },
  {
    name: 'lapse',
    definition: lapseGrant,
    jobId: JOB_IDS.lapse,
    dueAt: (request) => (request.status === 'approved' ? request.grantExpiresAt : null),
    owedWhere: { status: 'approved' },
    firesInto: 'lapsed',
  },
  // Approver DMs (APPROVER_DMS): they change no status, so they "fire into" pending — a pending
  // request with nothing due has had them sent, and is left alone; a decided one has them removed.
  {
    name: 'approvers-notify',
    definition: notifyApprovers,
    jobId: JOB_IDS.approversNotify,
    dueAt: (request) =>
      request.status === 'pending' && request.approversNotifiedAt === null ? request.approversNotifyAt : null,
    owedWhere: { status: 'pending', approversNotifyAt: { not: null }, approversNotifiedAt: null },
    firesInto: 'pending',
  },
  {
    name: 'notify-later',
    definition: notifyLater,
    jobId: JOB_IDS.notifyLater,
    dueAt: (request) =>
      request.status === 'pending' && request.notifiedLaterAt === null ? request.notifyLaterAt : null,
    owedWhere: { status: 'pending', notifyLaterAt: { not: null }, notifiedLaterAt: null },
    firesInto: 'pending',
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
  const jobId = kind.jobId(request.id);
  const due = kind.dueAt(request);
  const payload = { requestId: request.id };
  if (due === null) {
    if (options.fresh || request.status === kind.firesInto) return 'none';
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
export async function repairTimers(deps: Pick<JobDeps, 'jobs' | 'now' | 'db'>): Promise<number> {
  let repaired = 0;
  for (const kind of TIMERS) {
    const queue = deps.jobs.queue(kind.definition.queue);
    let cursor: string | undefined;
    for (;;) {
      const rows = await deps.db.approvalRequest.findMany({
        where: kind.owedWhere,
        select: TIMER_ROW_SELECT,
        orderBy: { id: 'asc' },
        take: PAGE,
        ...(cursor === undefined ? {} : { cursor: { id: cursor }, skip: 1 }),
      });
      for (const row of rows) {
        if (kind.dueAt(row) === null || (await queue.getJob(kind.jobId(row.id))) !== undefined) continue;
        if ((await syncTimer(deps, kind, row)) === 'scheduled') repaired += 1;
      }
      if (rows.length < PAGE) break;
      cursor = rows.at(-1)?.id;
    }
  }
  return repaired;
}
