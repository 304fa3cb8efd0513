import { AppError } from '../../errors.ts';
import type { CoreDeps } from '../ports.ts';

/** Expands user-group ids (S…) into their members through usergroups.users.list, cached for a minute. */
export async function expandApprovers(
  deps: Pick<CoreDeps, 'slack' | 'caches'>,
  ids: readonly string[],
): Promise<string[]> {
  const users = new Set<string>();
  for (const id of ids) {
    if (!id.startsWith('S')) {
      users.add(id);
      continue;
    }
    let members = deps.caches.userGroups.get(id);
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
      deps.caches.userGroups.set(id, members);
    }
    for (const member of members) users.add(member);
  }
  return [...users];
}
