import type { Db } from '../../platform/db.ts';
import { createSharedSnapshot, type SnapshotWiring } from '../../platform/shared-snapshot.ts';
import { type AwayRow, listAway } from './away-store.ts';

/**
 * How often an instance reloads who is away without being told to: the fallback for a notification
 * it missed (a Redis outage) or a row changed behind the service's back.
 */
export const AWAY_REFRESH_MS = 10_000;

/**
 * Who is away, held in memory by every instance: every request is routed around away approvers,
 * and reading their statuses from PostgreSQL cost a statement per request (issue 17). Setting or
 * clearing an away status reloads every instance's copy (set-away.ts, clear-away.ts): the one that
 * made the change before it answers, the others when Redis tells them. A status ends by itself at
 * its time: the copy is filtered by the clock on every read.
 */
export interface AwayNow {
  /** The away statuses of `userIds` that last past `now`, as last loaded. No I/O. */
  statusesOf(userIds: readonly string[], now: Date): AwayRow[];
  /** Reloads this instance's copy and tells the others to reload theirs: after a status is set or cleared. */
  changed(): Promise<void>;
  close(): Promise<void>;
}

export interface AwayNowOptions extends SnapshotWiring {
  db: Db;
  now(): Date;
  refreshMs?: number;
}

/** Subscribes to away changes and loads who is away now (before it answers, so routing never starts blind). */
export async function createAwayNow(options: AwayNowOptions): Promise<AwayNow> {
  const { db, now, refreshMs, ...wiring } = options;
  const snapshot = await createSharedSnapshot<Map<string, AwayRow>>({
    ...wiring,
    name: 'away',
    initial: new Map(),
    load: async () => new Map((await listAway(db, now())).map((row) => [row.slackUserId, row])),
    refreshMs: refreshMs ?? AWAY_REFRESH_MS,
  });
  await snapshot.changed();
  return {
    statusesOf(userIds, now) {
      const away = snapshot.current();
      return [...new Set(userIds)].flatMap((id) => {
        const row = away.get(id);
        return row !== undefined && row.awayUntil > now ? [row] : [];
      });
    },
    changed: () => snapshot.changed(),
    close: () => snapshot.close(),
  };
}
