import type { Job } from 'bullmq';
import type { JobDeps } from './queues.ts';
import { callSlack } from './slack-errors.ts';

/** How a Slack call is made: callSlack in a job of its own, or a plain call where a job writes in passing. */
export type SlackCaller = <T>(slackCall: () => Promise<T>) => Promise<T>;

/** A user's DM channel: opened once (`conversations.open`), then read from the cache. */
export async function openDm(
  deps: Pick<JobDeps, 'slack' | 'caches'>,
  user: string,
  call: SlackCaller,
): Promise<string> {
  const cached = deps.caches.dmChannels.get(user);
  if (cached !== undefined) return cached;
  const opened = await call(() => deps.slack.conversations.open({ users: user }));
  const channel = opened.channel?.id as string;
  deps.caches.dmChannels.set(user, channel);
  return channel;
}

/**
 * Sends `text` to a user's DM from a job: opens (or reuses, cached) the DM channel, then posts.
 * Rate limits and permanent errors behave as in callSlack.
 */
export async function sendDirectMessage(
  deps: Pick<JobDeps, 'slack' | 'caches'>,
  job: Job,
  token: string | undefined,
  user: string,
  text: string,
): Promise<void> {
  const call: SlackCaller = (slackCall) => callSlack(job, token, slackCall);
  const channel = await openDm(deps, user, call);
  await call(() => deps.slack.chat.postMessage({ channel, text }));
}
