import type { RequestRow } from '../services/requests/store/reads.ts';
import { owedBreakGlassAnnouncements, owedStageNotices } from '../services/requests/store/reconcile-queries.ts';
import { announceBreakGlass } from './definitions/announce-break-glass.ts';
import { stageNotice } from './definitions/stage-notice.ts';
import { JOB_IDS } from './job-ids.ts';
import type { JobDeps } from './queues.ts';
import { requeue } from './requeue.ts';

type ChainState = Pick<RequestRow, 'id' | 'status' | 'currentStage' | 'stageNoticed'> &
  Pick<RequestRow, 'breakGlassReason' | 'breakGlassAnnouncedAt'>;

/** Multi-stage chains and break-glass: the stage that started and was not announced yet, if any. */
function stageDue(request: ChainState): number | null {
  return request.status === 'pending' && request.currentStage > request.stageNoticed ? request.currentStage : null;
}

/** Break-glass: whether the use was not announced yet. */
function announcementDue(request: ChainState): boolean {
  return request.breakGlassReason !== null && request.breakGlassAnnouncedAt === null;
}

/**
 * Queues what changed requests owe their chains: a started stage's notice, a break-glass use's
 * announcement. Ids are deterministic, so repeating this is harmless.
 */
export async function enqueueChainNotices(deps: Pick<JobDeps, 'jobs'>, requests: ChainState[]): Promise<void> {
  const stages = requests.flatMap((r) => {
    const stage = stageDue(r);
    return stage === null
      ? []
      : [{ payload: { requestId: r.id, stage }, options: { jobId: JOB_IDS.stageNotice(r.id, stage) } }];
  });
  const glass = requests
    .filter(announcementDue)
    .map((r) => ({ payload: { requestId: r.id }, options: { jobId: JOB_IDS.breakGlassAnnounce(r.id) } }));
  await Promise.all([deps.jobs.enqueueBulk(stageNotice, stages), deps.jobs.enqueueBulk(announceBreakGlass, glass)]);
}

/**
 * The reconciler's part for chains: stage notices and break-glass announcements that never went out
 * (lost with Redis, or never queued) are queued again. Returns how many.
 */
export async function repairChainNotices(deps: JobDeps, settled: Date, limit: number): Promise<number> {
  const [stages, glass] = await Promise.all([
    owedStageNotices(deps.db, settled, limit),
    owedBreakGlassAnnouncements(deps.db, settled, limit),
  ]);
  let queued = 0;
  for (const { id, stage } of stages) {
    if (await requeue(deps, stageNotice, { requestId: id, stage }, JOB_IDS.stageNotice(id, stage))) queued += 1;
  }
  for (const { id } of glass) {
    if (await requeue(deps, announceBreakGlass, { requestId: id }, JOB_IDS.breakGlassAnnounce(id))) queued += 1;
  }
  return queued;
}
