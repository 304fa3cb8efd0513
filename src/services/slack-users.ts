import type { CoreDeps } from './ports.ts';
import type { SlackUserInfo } from './slack-port.ts';

/**
 * Looks a workspace member up by user id (users.info) or e-mail (users.lookupByEmail), through the
 * Slack-users cache, so a burst of requests from one requester costs one Slack call. Slack's errors
 * (user_not_found, users_not_found) propagate to the caller.
 */
export async function lookupSlackUser(
  deps: Pick<CoreDeps, 'slack' | 'caches'>,
  by: { id: string } | { email: string },
): Promise<SlackUserInfo> {
  const key = 'id' in by ? `id:${by.id}` : `email:${by.email.toLowerCase()}`;
  const hit = deps.caches.slackUsers.get(key);
  if (hit !== undefined) return hit;
  const { user } =
    'id' in by
      ? await deps.slack.users.info({ user: by.id })
      : await deps.slack.users.lookupByEmail({ email: by.email });
  const info: SlackUserInfo = {
    id: user?.id ?? ('id' in by ? by.id : ''),
    email: user?.profile?.email ?? null,
    deleted: user?.deleted ?? false,
  };
  deps.caches.slackUsers.set(key, info);
  return info;
}
