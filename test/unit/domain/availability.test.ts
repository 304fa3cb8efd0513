import { describe, expect, it } from 'vitest';
import { inDoNotDisturb } from '../../../src/domain/availability.ts';

const NOW = new Date('2026-12-04T22:30:00Z');
const s = (iso: string) => Date.parse(iso) / 1000;

describe('inDoNotDisturb', () => {
  it('is in DND inside the scheduled window, or while snoozed', () => {
    const window = { next_dnd_start_ts: s('2026-12-04T22:00:00Z'), next_dnd_end_ts: s('2026-12-05T07:00:00Z') };
    expect(inDoNotDisturb({ dnd_enabled: true, ...window }, NOW)).toBe(true);
    expect(inDoNotDisturb({ dnd_enabled: false, ...window }, NOW)).toBe(false);
    expect(inDoNotDisturb({ snooze_enabled: true }, NOW)).toBe(true);
  });

  it('is not in DND before the window starts, at its end, or with no window', () => {
    const later = { next_dnd_start_ts: s('2026-12-04T23:00:00Z'), next_dnd_end_ts: s('2026-12-05T07:00:00Z') };
    expect(inDoNotDisturb({ dnd_enabled: true, ...later }, NOW)).toBe(false);
    const ended = { next_dnd_start_ts: s('2026-12-04T20:00:00Z'), next_dnd_end_ts: s('2026-12-04T22:30:00Z') };
    expect(inDoNotDisturb({ dnd_enabled: true, ...ended }, NOW)).toBe(false);
    expect(inDoNotDisturb({ dnd_enabled: true }, NOW)).toBe(false);
  });
});
