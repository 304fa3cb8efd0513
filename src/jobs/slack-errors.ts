import { ErrorCode, type WebClient } from '@slack/web-api';
import { type Job, UnrecoverableError } from 'bullmq';
import { delayUntil } from './runtime.ts';

/** Slack errors that retrying cannot fix: the request records them and the requester is told. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'channel_is_archived',
  'invalid_blocks',
  'invalid_arguments',
  'msg_too_long',
  'no_text',
  'message_not_found',
  'cant_update_message',
  'user_not_found',
  'users_not_found',
  'cannot_dm_bot',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'restricted_action',
]);

/** A Slack error no retry can fix, with Slack's error code. */
export class PermanentSlackError extends Error {
  constructor(readonly code: string) {
    super(`Slack refused: ${code}`);
    this.name = 'PermanentSlackError';
  }
}

/**
 * Calls Slack from a job. A 429 moves the job to the delayed set for exactly Retry-After seconds
 * (without using up an attempt); a permanent error becomes a PermanentSlackError; anything else
 * (network, 5xx) is thrown for BullMQ's backoff to retry.
 */
export async function callSlack<T>(job: Job, token: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const e = error as { code?: string; retryAfter?: number; data?: { error?: string } };
    if (e.code === ErrorCode.RateLimitedError && token !== undefined) {
      await delayUntil(job, token, Date.now() + Math.max(1, e.retryAfter ?? 1) * 1000);
    }
    if (e.code === ErrorCode.PlatformError && e.data?.error !== undefined && PERMANENT.has(e.data.error)) {
      throw new PermanentSlackError(e.data.error);
    }
    throw error;
  }
}

/**
 * Runs a job's Slack work. A permanent Slack error first runs `onPermanent` (recording it), then
 * fails the job for good: retrying cannot fix it. Other errors propagate for BullMQ to retry.
 */
export async function unlessPermanent<T>(
  work: () => Promise<T>,
  onPermanent?: (code: string) => Promise<void>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof PermanentSlackError)) throw error;
    await onPermanent?.(error.code);
    throw new UnrecoverableError(error.message);
  }
}

/**
 * A reply in a card's thread that is owed once: posted (Slack's rate limits and 5xx retried by the
 * job), then `settle` records it; a permanent Slack error records it too (given up) and fails the job.
 */
export async function replyInThreadOnce(
  slack: WebClient,
  job: Job,
  token: string | undefined,
  reply: { channel: string; ts: string; text: string },
  settle: () => Promise<void>,
): Promise<void> {
  await unlessPermanent(
    () =>
      callSlack(job, token, () =>
        slack.chat.postMessage({ channel: reply.channel, thread_ts: reply.ts, text: reply.text }),
      ),
    settle,
  );
  await settle();
}
