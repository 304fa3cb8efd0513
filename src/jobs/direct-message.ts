import type { Job } from 'bullmq';
import type { JobDeps } from './queues.ts';
import { callSlack } from './slack-errors.ts';

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
  let channel = deps.caches.dmChannels.get(user);
  if (channel === undefined) {
    const opened = await callSlack(job, token, () => deps.slack.conversations.open({ users: user }));
    channel = opened.channel?.id as string;
    deps.caches.dmChannels.set(user, channel);
  }
  const to = channel;
  await callSlack(job, token, () => deps.slack.chat.postMessage({ channel: to, text }));
}
