import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/** How long one audit row stands for a source's refusals. */
export const REFUSAL_WINDOW_MS = 60_000;
/** How long a source's last counts wait in Redis for its next row to report them. */
const TALLY_TTL_MS = 24 * 3600_000;

/** What a source was refused during one window: the window's row is written when it opens. */
export interface RefusalWindow {
  /** When the window opened (its row's time); null when its start was lost (a Redis flush). */
  openedAt: string | null;
  /** Refusals after a failed authentication (401 and the 429 that starts a block), the first included. */
  refused: number;
  /** Requests answered 429 without a key lookup because the source was blocked. */
  rateLimited: number;
}

export type TRefusalKind = 'refused' | 'rate_limited';

/** Opened: this refusal starts a new window, and the caller writes its one audit row. */
export type TNoted = { opened: false } | { opened: true; previous: RefusalWindow | null };

/**
 * Aggregates refusals so the append-only audit table grows with sources × minutes, not with
 * requests. A failed authentication from a source with no window open in the last minute opens
 * one, and only then is an audit row written; it reports the totals of that source's previous
 * window, however long ago (within a day). Refusals of an already blocked source only count: they
 * never open a window, since a limited source must cost no database work.
 *
 * The honest limit of this rule: a window's totals are written by the source's next row, so the
 * totals of a source's last window stay in Redis for a day and are lost if it never comes back;
 * its own row still says it was refused at least once then.
 */
export interface RefusalTally {
  /** Counts `count` refusals of one kind (several only for `rate_limited`, which never opens a window). */
  note(source: string, kind: TRefusalKind, at: Date, count?: number): Promise<TNoted>;
}

// KEYS[1]: the source's tally, a hash of opened (ms), refused and limited.
// ARGV: now (ms), window (ms), kind, ttl (ms), count. Returns {1, opened, refused, limited} of the
// previous window when this refusal opens one ('' where unknown), else {0}.
const NOTE_SCRIPT = `
local opened = tonumber(redis.call('HGET', KEYS[1], 'opened'))
if ARGV[3] == 'refused' and (opened == nil or tonumber(ARGV[1]) - opened >= tonumber(ARGV[2])) then
  local previous = redis.call('HMGET', KEYS[1], 'opened', 'refused', 'limited')
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'opened', ARGV[1], 'refused', 1, 'limited', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {1, previous[1] or '', previous[2] or '', previous[3] or ''}
end
redis.call('HINCRBY', KEYS[1], ARGV[3] == 'refused' and 'refused' or 'limited', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {0}
`;

interface TCounts {
  opened: number | null;
  refused: number;
  limited: number;
}

function toWindow(counts: TCounts): RefusalWindow | null {
  if (counts.refused === 0 && counts.limited === 0) return null;
  return {
    openedAt: counts.opened === null ? null : new Date(counts.opened).toISOString(),
    refused: counts.refused,
    rateLimited: counts.limited,
  };
}

/** The same rule as NOTE_SCRIPT over one process's memory, for while Redis is unreachable. */
function noteInMemory(
  tallies: LRUCache<string, TCounts>,
  source: string,
  kind: TRefusalKind,
  now: number,
  count: number,
): TNoted {
  const counts = tallies.get(source) ?? { opened: null, refused: 0, limited: 0 };
  if (kind === 'refused' && (counts.opened === null || now - counts.opened >= REFUSAL_WINDOW_MS)) {
    tallies.set(source, { opened: now, refused: 1, limited: 0 });
    return { opened: true, previous: toWindow(counts) };
  }
  if (kind === 'refused') counts.refused += count;
  else counts.limited += count;
  tallies.set(source, counts);
  return { opened: false };
}

/**
 * A tally in Redis under `keyPrefix` (`<prefix>:<source>`), atomic across instances by a script.
 * While Redis is unreachable, each process tallies in a bounded memory of its own (so an outage may
 * cost one extra row a source a minute for each instance, never one a request).
 */
export function createRefusalTally(redis: Redis, keyPrefix: string): RefusalTally {
  const tallies = new LRUCache<string, TCounts>({ max: 10_000, ttl: TALLY_TTL_MS });
  return {
    async note(source, kind, at, count = 1) {
      const now = at.getTime();
      if (redis.status !== 'ready') return noteInMemory(tallies, source, kind, now, count);
      let reply: unknown;
      try {
        reply = await redis.eval(
          NOTE_SCRIPT,
          1,
          `${keyPrefix}:${source}`,
          now,
          REFUSAL_WINDOW_MS,
          kind === 'refused' ? 'refused' : 'limited',
          TALLY_TTL_MS,
          count,
        );
      } catch {
        return noteInMemory(tallies, source, kind, now, count);
      }
      const [opened, previousOpened, refused, limited] = reply as [number, string?, string?, string?];
      if (opened !== 1) return { opened: false };
      const number = (value: string | undefined) => (value === undefined || value === '' ? null : Number(value));
      return {
        opened: true,
        previous: toWindow({
          opened: number(previousOpened),
          refused: number(refused) ?? 0,
          limited: number(limited) ?? 0,
        }),
      };
    },
  };
}
