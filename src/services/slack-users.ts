import type { CoreDeps } from './deps.ts';

export interface SlackUserInfo {
  id: string;
  email: string | null;
  deleted: boolean;
}

const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;
const cache = new Map<string, { user: SlackUserInfo; at: number }>();

function remember(key: string, user: SlackUserInfo, now: number): void {
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { user, at: now });
}

/**
 * Looks a workspace member up by user id (users.info) or e-mail (users.lookupByEmail), caching
 * answers for five minutes so a burst of requests from one requester costs one Slack call.
 * Slack's errors (user_not_found, users_not_found) propagate to the caller.
 */
export async function lookupSlackUser(
  deps: Pick<CoreDeps, 'slack' | 'now'>,
  by: { id: string } | { email: string },
): Promise<SlackUserInfo> {
  const key = 'id' in by ? `id:${by.id}` : `email:${by.email.toLowerCase()}`;
  const now = deps.now().getTime();
  const hit = cache.get(key);
  if (hit !== undefined && now - hit.at < TTL_MS) return hit.user;
  const { user } =
    'id' in by
      ? await deps.slack.users.info({ user: by.id })
      : await deps.slack.users.lookupByEmail({ email: by.email });
  const info: SlackUserInfo = {
    id: user?.id ?? ('id' in by ? by.id : ''),
    email: user?.profile?.email ?? null,
    deleted: user?.deleted ?? false,
  };
  remember(key, info, now);
  return info;
}
