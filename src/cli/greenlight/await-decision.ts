import type { GreenlightClient, RequestJson } from '../../client/index.ts';
import type { Io } from './io.ts';
import { startProgress } from './progress.ts';

/** Short long polls, so the progress shows the card link and votes soon after they change. */
const POLL_SECONDS = 20;

/**
 * Waits for a pending request's decision, showing progress. Resolves with the decided request, or
 * with it still pending once `waitUntil` (epoch ms; null for no limit) has passed; rejects with
 * the abort reason when `signal` aborts. A request already decided is returned as it is.
 */
export async function awaitDecision(
  client: GreenlightClient,
  io: Io,
  request: RequestJson,
  options: { waitUntil: number | null; signal: AbortSignal },
): Promise<RequestJson> {
  if (request.status !== 'pending') return request;
  const progress = startProgress(io, request, options.waitUntil);
  try {
    return await client.wait(request.id, {
      ...(options.waitUntil === null ? {} : { timeoutMs: Math.max(0, options.waitUntil - Date.now()) }),
      signal: options.signal,
      pollSeconds: POLL_SECONDS,
      onPoll: (next) => progress.update(next),
    });
  } finally {
    progress.stop();
  }
}
