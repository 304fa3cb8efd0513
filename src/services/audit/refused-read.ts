import type { Actor } from '../../domain/actor.ts';
import type { CoreDeps } from '../ports.ts';
import { isContention } from '../requests/locking.ts';
import { lockRow } from '../requests/store/locks.ts';
import { recordAudit } from './audit.ts';

/**
 * Audits an API client's read of a request that is not its own (`access.refused` on that request,
 * naming the client), as `cancel.refused` does for a cancel. The caller still answers 404, so ids
 * are no oracle across owners. The event joins the request's chain, so it is written under the
 * request's row lock like every other event of that chain.
 */
export async function auditRefusedRead(deps: Pick<CoreDeps, 'db'>, requestId: string, actor: Actor): Promise<void> {
  await auditUnlessBusy(deps, requestId, actor).catch((error: unknown) => {
    // The 404 is the answer either way; only a row busy past the short wait goes unaudited.
    if (!isContention(error)) throw error;
  });
}

async function auditUnlessBusy(deps: Pick<CoreDeps, 'db'>, requestId: string, actor: Actor): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    // A busy request must not hold this connection: past a short wait, the error skips the audit.
    if (!(await lockRow(tx, requestId, 500))) return;
    await recordAudit(tx, {
      requestId,
      type: 'access.refused',
      actor,
      details: { operation: 'read', reason: 'not_owner' },
    });
  });
}
