import { UsageError } from './exit-codes.ts';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;
/** Longer than any request may wait: 31 days. */
const MAX_SECONDS = 31 * 24 * 3600;

/**
 * A duration flag in seconds: `90s`, `15m`, `1h`, or a plain number of seconds. Positive whole
 * amounts only, at most 31 days; anything else is a UsageError naming the flag.
 */
export function parseDuration(flag: string, raw: string): number {
  const match = /^(\d{1,7})(s|m|h)?$/.exec(raw.trim());
  const seconds = match === null ? Number.NaN : Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's') as 's' | 'm' | 'h'];
  if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
    throw new UsageError(
      `--${flag} must be a positive duration like 90s, 15m, 1h or a number of seconds (at most 31 days), not ${JSON.stringify(raw)}`,
    );
  }
  return seconds;
}

/** A number of milliseconds as people read it: `14m 05s`, `42s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
  return `${seconds}s`;
}
