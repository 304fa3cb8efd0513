import type { ClientActor } from '../../domain/actor.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from './locking.ts';
import { isRequestId, type RequestRow } from './store/reads.ts';

/** How an executed action ended, as the caller that ran it reports. */
export interface ExecutionResult {
  exitCode: number | null;
  signal?: string | null | undefined;
  durationMs: number;
}

/**
 * Records how the gated action ended (`execution.reported`): the trail then pairs the approval, the
 * execution and its outcome. Only the owning client, only once the request is executed; a report
 * changes no status. A second report is recorded too (a retried CI step), each its own event.
 */
export async function reportResult(
  deps: CoreDeps,
  input: { requestId: string; actor: ClientActor; result: ExecutionResult },
): Promise<RequestRow> {
  const { actor, requestId, result } = input;
  const outcome = await withLockedRequest(deps, requestId, async (tx, locked) => {
    if (locked === null || locked.request.apiClientId !== actor.clientId) return null;
    if (locked.request.status !== 'executed') return locked.request;
    await recordAudit(tx, {
      requestId,
      type: 'execution.reported',
      actor,
      details: { exitCode: result.exitCode, signal: result.signal ?? null, durationMs: result.durationMs },
    });
    return locked.request;
  });
  if (outcome === null) {
    throw new AppError('not_found', isRequestId(requestId) ? `no request ${requestId}` : 'no such request');
  }
  if (outcome.status !== 'executed') {
    throw new AppError('conflict', `request is ${outcome.status}: a result can only be reported once it is executed`);
  }
  return outcome;
}
