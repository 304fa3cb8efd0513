/** Whether an approver can be expected to see a DM now, and if not, why. */
export type Availability = { available: true } | { available: false; why: 'away' | 'dnd' };

/** Do Not Disturb as dnd.info reports it: a snooze, or inside the scheduled DND window. */
export function inDoNotDisturb(
  dnd: { dnd_enabled?: boolean; next_dnd_start_ts?: number; next_dnd_end_ts?: number; snooze_enabled?: boolean },
  now: Date,
): boolean {
  if (dnd.snooze_enabled === true) return true;
  if (dnd.dnd_enabled !== true) return false;
  const seconds = now.getTime() / 1000;
  const start = dnd.next_dnd_start_ts;
  const end = dnd.next_dnd_end_ts;
  return start !== undefined && end !== undefined && start <= seconds && seconds < end;
}
