import { AppError } from '../errors.ts';
import type { CoreDeps } from './deps.ts';

const GROUP_CACHE_MS = 60_000;
const groupCache = new Map<string, { users: string[]; at: number }>();

/** Expands user-group ids (S…) into their members through usergroups.users.list, cached for a minute. */
export async function expandApprovers(
  deps: Pick<CoreDeps, 'slack' | 'now'>,
  ids: readonly string[],
): Promise<string[]> {
  const users = new Set<string>();
  for (const id of ids) {
    if (!id.startsWith('S')) {
      users.add(id);
      continue;
    }
    const cached = groupCache.get(id);
    let members = cached !== undefined && deps.now().getTime() - cached.at < GROUP_CACHE_MS ? cached.users : undefined;
    if (members === undefined) {
      try {
        const result = await deps.slack.usergroups.users.list({ usergroup: id });
        members = result.users ?? [];
      } catch (error) {
        const code = (error as { data?: { error?: string } }).data?.error;
        throw new AppError(
          code === 'no_such_subteam' ? 'not_configured' : 'slack_unavailable',
          `could not expand approver group ${id}: ${code ?? 'Slack did not answer'}`,
        );
      }
      groupCache.set(id, { users: members, at: deps.now().getTime() });
    }
    for (const member of members) users.add(member);
  }
  return [...users];
}
