import { z } from 'zod';
import type { RequestRow } from '../services/request-view.ts';
import { expireDue } from '../services/requests.ts';
import { expire, type JobDeps, postCard, QUEUES, sendDm, threadReply, updateCard } from './definitions.ts';
import { defineJob, type JobDefinition } from './runtime.ts';

const BATCH = 500;

/** Schedules (or moves) the expiry job of a pending request to its deadline. */
export async function scheduleExpiry(
  deps: Pick<JobDeps, 'jobs' | 'now'>,
  request: Pick<RequestRow, 'id' | 'expiresAt'>,
  options: { fresh?: boolean } = {},
): Promise<void> {
  const jobId = `expire-${request.id}`;
  const delay = Math.max(0, request.expiresAt.getTime() - deps.now().getTime());
  if (options.fresh) {
    // A request created this moment has no timer yet: skip the lookup.
    await deps.jobs.enqueue(expire, { requestId: request.id }, { jobId, delay });
    return;
  }
  const queue = deps.jobs.queue(QUEUES.timers);
  const existing = await queue.getJob(jobId);
  if (existing !== undefined) {
    const state = await existing.getState();
    if (state === 'delayed') {
      // Adding a job whose id exists is a no-op that keeps the old delay: move it instead.
      await existing.changeDelay(delay);
      return;
    }
    if (state === 'active' || state === 'waiting' || state === 'prioritized') return;
    await existing.remove();
  }
  await deps.jobs.enqueue(expire, { requestId: request.id }, { jobId, delay });
}

/**
 * Enqueues a job unless one with its id is still waiting or running; a finished or failed one is
 * replaced. Returns whether it enqueued.
 */
async function requeue<T>(
  deps: Pick<JobDeps, 'jobs'>,
  definition: JobDefinition<T, JobDeps>,
  payload: T,
  jobId: string,
): Promise<boolean> {
  const job = await deps.jobs.queue(definition.queue).getJob(jobId);
  if (job !== undefined) {
    const state = await job.getState();
    if (state !== 'failed' && state !== 'completed') return false;
    await job.remove();
  }
  await deps.jobs.enqueue(definition, payload, { jobId });
  return true;
}

/**
 * Makes Redis agree with PostgreSQL: expires what is overdue, re-creates missing expiry timers,
 * and re-queues cards never posted. Runs at startup and every minute, so a Redis flush or restart
 * loses nothing. Safe to run on several instances at once: every step is idempotent.
 */
export async function reconcileNow(
  deps: JobDeps,
): Promise<{ expired: number; rescheduled: number; reposted: number; refreshed: number; renotified: number }> {
  const now = deps.now();
  let expired = 0;
  for (;;) {
    const batch = await expireDue(deps);
    expired += batch.length;
    if (batch.length === 0) break;
  }

  let rescheduled = 0;
  const timers = deps.jobs.queue(QUEUES.timers);
  let cursor: string | undefined;
  for (;;) {
    const pending = await deps.db.approvalRequest.findMany({
      where: { status: 'pending', expiresAt: { gt: now } },
      select: { id: true, expiresAt: true },
      orderBy: { id: 'asc' },
      take: BATCH,
      ...(cursor === undefined ? {} : { cursor: { id: cursor }, skip: 1 }),
    });
    for (const request of pending) {
      if ((await timers.getJob(`expire-${request.id}`)) === undefined) {
        await scheduleExpiry(deps, request);
        rescheduled += 1;
      }
    }
    if (pending.length < BATCH) break;
    cursor = pending.at(-1)?.id;
  }

  let reposted = 0;
  const unposted = await deps.db.approvalRequest.findMany({
    where: { messageTs: null, slackError: null, createdAt: { lte: new Date(now.getTime() - 30_000) } },
    select: { id: true },
    take: BATCH,
  });
  for (const { id } of unposted) {
    if (await requeue(deps, postCard, { requestId: id }, `card-post-${id}`)) reposted += 1;
  }
  // Cards whose request changed after they were last rendered, and whose update never ran.
  let refreshed = 0;
  const stale = await deps.db.$queryRaw<Array<{ id: string; version: number }>>`
    SELECT id::text AS id, version FROM approval_requests
     WHERE message_ts IS NOT NULL AND slack_error IS NULL AND card_version IS NOT NULL
       AND card_version < version AND updated_at <= ${new Date(now.getTime() - 30_000)}
     LIMIT ${BATCH}`;
  for (const { id, version } of stale) {
    if (await requeue(deps, updateCard, { requestId: id }, `card-update-${id}-v${version}`)) refreshed += 1;
  }
  // Outcomes decided over a minute ago whose thread reply or DM never went out (lost with Redis).
  let renotified = 0;
  const quiet = await deps.db.approvalRequest.findMany({
    where: {
      status: { not: 'pending' },
      decidedAt: { lte: new Date(now.getTime() - 60_000) },
      OR: [{ outcomeDmAt: null }, { threadRepliedAt: null, messageTs: { not: null }, slackError: null }],
    },
    select: { id: true, status: true, outcomeDmAt: true, threadRepliedAt: true, messageTs: true, slackError: true },
    take: BATCH,
  });
  for (const request of quiet) {
    const suffix = `${request.id}-${request.status}`;
    if (request.outcomeDmAt === null) {
      if (await requeue(deps, sendDm, { requestId: request.id, kind: 'outcome' }, `dm-${suffix}`)) renotified += 1;
    }
    if (request.threadRepliedAt === null && request.messageTs !== null && request.slackError === null) {
      if (await requeue(deps, threadReply, { requestId: request.id }, `thread-${suffix}`)) renotified += 1;
    }
  }
  if (expired + rescheduled + reposted + refreshed + renotified > 0) {
    deps.logger.info(
      { expired, rescheduled, reposted, refreshed, renotified },
      'reconciler repaired queue state from PostgreSQL',
    );
  }
  return { expired, rescheduled, reposted, refreshed, renotified };
}

export const reconcile = defineJob<Record<string, never>, JobDeps>({
  name: 'reconcile',
  queue: QUEUES.timers,
  schema: z.object({}).strict() as z.ZodType<Record<string, never>>,
  attempts: 1,
  backoff: { type: 'fixed', delay: 1000 },
  async handle(_payload, deps) {
    await reconcileNow(deps);
  },
});
