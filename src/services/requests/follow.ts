import type { ClientActor } from '../../domain/actor.ts';
import { AppError } from '../../errors.ts';
import { auditRefusedRead } from '../audit/refused-read.ts';
import type { CoreDeps } from '../ports.ts';
import { getRequest, isRequestId, type RequestRow } from './store.ts';

/**
 * An API client's own request, read now. Someone else's is reported as missing like one that does not
 * exist (ids are no oracle across owners); with `auditRefusal`, that refused read is audited — callers
 * pass it on their first read only, as ownership never changes.
 */
export async function readOwnRequest(
  deps: Pick<CoreDeps, 'db'>,
  requestId: string,
  actor: ClientActor,
  auditRefusal: boolean,
): Promise<RequestRow> {
  const request = await getRequest(deps.db, requestId);
  if (request !== null && request.apiClientId !== actor.clientId && auditRefusal) {
    await auditRefusedRead(deps, requestId, actor);
  }
  if (request === null || request.apiClientId !== actor.clientId) {
    // Only a well-formed id is echoed: the message may be shown to a model or in Slack.
    throw new AppError('not_found', isRequestId(requestId) ? `no request ${requestId}` : 'no such request');
  }
  return request;
}

export interface PendingWait {
  /** When to stop waiting (epoch milliseconds). */
  until: number;
  /** Ends the wait early (the caller went away, or cancelled). */
  signal?: AbortSignal;
  /** While nothing changes, `onQuiet` is called every `quietMs` (progress for callers that must hear something). */
  quietMs?: number;
  onQuiet?: (request: RequestRow) => Promise<void>;
  /** Called with the request each time it changed and is still pending (a vote toward quorum, a question). */
  onChange?: (request: RequestRow) => Promise<void>;
}

/**
 * Waits while `request` is pending: until it is decided, `until` passes or `signal` aborts, and answers
 * the request as it then stands. It sleeps on the request-change notifications (Redis pub/sub,
 * services/request-changes.ts) and reads the row only when told it changed — never a polling loop.
 * It subscribes before its first re-read, so a decision between the caller's read and the wait is
 * never missed.
 */
export async function waitWhilePending(
  deps: Pick<CoreDeps, 'changes'>,
  request: RequestRow,
  read: () => Promise<RequestRow>,
  wait: PendingWait,
): Promise<RequestRow> {
  if (request.status !== 'pending' || wait.until <= Date.now() || wait.signal?.aborted) return request;
  // Ends the last subscription on the way out (a break leaves it waiting for its timer otherwise).
  const done = new AbortController();
  const signal = wait.signal === undefined ? done.signal : AbortSignal.any([wait.signal, done.signal]);
  let current = request;
  let reread = true;
  try {
    while (current.status === 'pending' && !signal.aborted) {
      const left = wait.until - Date.now();
      if (left <= 0) break;
      const slice = Math.min(left, wait.quietMs ?? left);
      const sliceEnd = Date.now() + slice;
      const changed = deps.changes.waitForChange(current.id, slice, signal);
      if (reread) {
        reread = false;
        current = await read();
        if (current.status !== 'pending') break;
      }
      if (await changed) {
        current = await read();
        if (current.status === 'pending') await wait.onChange?.(current);
        continue;
      }
      // Unchanged: a quiet slice ran out — or the wait ended early (aborted, or released at shutdown).
      if (signal.aborted || Date.now() + 1 < sliceEnd || Date.now() >= wait.until) break;
      await wait.onQuiet?.(current);
    }
  } finally {
    done.abort();
  }
  return current;
}
