import { describe, expect, it } from 'vitest';
import {
  attemptsCovering,
  CALLBACK_ATTEMPTS,
  DEFAULT_CALLBACK_TIMING,
  nominalRetryDelayMs,
  RETRY_JITTER,
  RETRY_WINDOW_MS,
  retryDelayMs,
} from '../../../../src/services/callbacks/schedule.ts';

describe('the callback retry schedule', () => {
  const timing = DEFAULT_CALLBACK_TIMING;
  const waits = Array.from({ length: CALLBACK_ATTEMPTS - 1 }, (_, i) => nominalRetryDelayMs(i + 1, timing));

  it('doubles from the base up to the cap, then stays there', () => {
    expect(waits.slice(0, 4)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(Math.max(...waits)).toBe(timing.retryCapMs);
    expect(waits.at(-1)).toBe(timing.retryCapMs);
    for (let i = 1; i < waits.length; i += 1) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1] as number);
  });

  it('keeps trying for at least 24 hours, and not a whole extra wait longer', () => {
    const total = waits.reduce((sum, wait) => sum + wait, 0);
    expect(total).toBeGreaterThanOrEqual(RETRY_WINDOW_MS);
    expect(total - (waits.at(-1) as number)).toBeLessThan(RETRY_WINDOW_MS);
    expect(CALLBACK_ATTEMPTS).toBe(attemptsCovering(RETRY_WINDOW_MS, timing));
  });

  it('adds jitter only upwards, at most RETRY_JITTER of the wait', () => {
    for (const failed of [1, 5, 20]) {
      const nominal = nominalRetryDelayMs(failed, timing);
      expect(retryDelayMs(failed, timing, () => 0)).toBe(nominal);
      expect(retryDelayMs(failed, timing, () => 0.999_999)).toBeLessThanOrEqual(
        Math.round(nominal * (1 + RETRY_JITTER)),
      );
    }
  });

  it('never overflows for absurd attempt counts', () => {
    expect(nominalRetryDelayMs(10_000, timing)).toBe(timing.retryCapMs);
  });
});
