import { type Availability, inDoNotDisturb } from '../../domain/availability.ts';
import type { CoreDeps } from '../ports.ts';

type AvailabilityDeps = Pick<CoreDeps, 'slack' | 'caches' | 'logger' | 'now'>;

/**
 * One user's availability: away in Slack (users.getPresence) or in Do Not Disturb (dnd.info), cached
 * for a minute. Any Slack error (user_not_found, missing scope, a rate limit, Slack down) counts as
 * available — availability only orders notifications, so it must never hold a request up.
 */
export async function availabilityOf(deps: AvailabilityDeps, userId: string): Promise<Availability> {
  const hit = deps.caches.availability.get(userId);
  if (hit !== undefined) return hit;
  let availability: Availability = { available: true };
  try {
    const [presence, dnd] = await Promise.all([
      deps.slack.users.getPresence({ user: userId }),
      deps.slack.dnd.info({ user: userId }),
    ]);
    if (presence.presence === 'away') availability = { available: false, why: 'away' };
    else if (inDoNotDisturb(dnd, deps.now())) availability = { available: false, why: 'dnd' };
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
    deps.logger.debug({ userId, error: code }, 'availability unknown; treated as available');
    // Not cached: the next look may get an answer.
    return availability;
  }
  deps.caches.availability.set(userId, availability);
  return availability;
}

/**
 * Splits users into those available now and those away or in Do Not Disturb, each in the order
 * given: notifications go to the first group first. Who may vote never depends on it.
 */
export async function orderByAvailability(
  deps: AvailabilityDeps,
  userIds: readonly string[],
): Promise<{ available: string[]; unavailable: string[] }> {
  const checked = await Promise.all(userIds.map(async (id) => ({ id, ...(await availabilityOf(deps, id)) })));
  return {
    available: checked.filter((user) => user.available).map((user) => user.id),
    unavailable: checked.filter((user) => !user.available).map((user) => user.id),
  };
}
