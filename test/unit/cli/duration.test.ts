import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/cli/greenlight/duration.ts';
import { UsageError } from '../../../src/cli/greenlight/exit-codes.ts';

describe('CLI durations', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['1h', 3600],
    ['45', 45],
    [' 2m ', 120],
    ['744h', 31 * 24 * 3600],
  ])('reads %j as %i seconds', (raw, seconds) => {
    expect(parseDuration('wait', raw)).toBe(seconds);
  });

  it.each(['', '0', '0s', '-5', '1.5m', '10x', 'm', '1h30m', '745h', '15 m', 'Infinity', '0x10'])(
    'refuses %j as bad usage, naming the flag',
    (raw) => {
      expect(() => parseDuration('wait', raw)).toThrow(UsageError);
      expect(() => parseDuration('ttl', raw)).toThrow(/--ttl/);
    },
  );

  it('formats what is left for people', () => {
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(845_000)).toBe('14m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-5)).toBe('0s');
  });
});
