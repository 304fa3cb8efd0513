import type { JobDeps } from './queues.ts';

/** Records that an outcome notification went out (or was given up on), so nothing sends it again. */
export async function markNotified(
  deps: Pick<JobDeps, 'db' | 'now'>,
  requestId: string,
  field: 'threadRepliedAt' | 'outcomeDmAt',
): Promise<void> {
  await deps.db.approvalRequest.updateMany({ where: { id: requestId, [field]: null }, data: { [field]: deps.now() } });
}
