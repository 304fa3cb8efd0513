import type { Actor } from '../../domain/actor.ts';
import type { CoreDeps } from '../ports.ts';
import { lockRequest } from '../requests/store.ts';
import { recordAudit } from './audit.ts';

/**
 * Audits an API client's read of a request that is not its own (`access.refused` on that request,
 * naming the client), as `cancel.refused` does for a cancel. The caller still answers 404, so ids
 * are no oracle across owners. The event joins the request's chain, so it is written under the
 * request's row lock like every other event of that chain.
 */
export async function auditRefusedRead(deps: Pick<CoreDeps, 'db'>, requestId: string, actor: Actor): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    if ((await lockRequest(tx, requestId)) === null) return;
    await recordAudit(tx, {
      requestId,
      type: 'access.refused',
      actor,
      details: { operation: 'read', reason: 'not_owner' },
    });
  });
}
