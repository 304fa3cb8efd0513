import { describe, expect, it } from 'vitest';
import type { HomeData } from '../../../../src/services/home/home-data.ts';
import { buildAwayModal, readAwayModal } from '../../../../src/slack/blocks/away-modal.ts';
import { buildHomeView } from '../../../../src/slack/blocks/home-view.ts';
import { validateView } from '../../../support/block-kit.ts';
import { submitUnchanged } from '../../../support/view-state.ts';

const empty = { items: [], page: 0, hasMore: false };
const base: HomeData = {
  userId: 'U0ANA00001',
  isAdmin: false,
  mine: empty,
  awaiting: empty,
  grants: empty,
  decisions: empty,
};
const status = {
  slackUserId: 'U0ANA00001',
  awayUntil: new Date('2026-12-12T09:00:00Z'),
  delegateId: 'U0BO000001',
  setAt: new Date('2026-12-04T09:00:00Z'),
};

describe('App Home out of office', () => {
  it('offers Set away to someone not away', () => {
    const text = JSON.stringify(buildHomeView({ ...base, away: null }));
    expect(text).toContain('You are not away');
    expect(text).toContain('home_away_set');
    expect(text).not.toContain('home_away_clear');
  });

  it('shows the status with Change and I’m back', () => {
    const view = buildHomeView({ ...base, away: status });
    expect(validateView(view)).toEqual([]);
    const text = JSON.stringify(view);
    expect(text).toContain('You are away until <!date^1797066000^');
    expect(text).toContain('delegate <@U0BO000001>');
    expect(text).toContain('home_away_clear');
  });

  it('lists who is away for admins only', () => {
    const admin = JSON.stringify(
      buildHomeView({
        ...base,
        isAdmin: true,
        rules: { ...empty, total: 0 },
        keys: empty,
        awayList: [status, { ...status, slackUserId: 'U0CY000001', delegateId: null }],
      }),
    );
    expect(admin).toContain('Who is away');
    expect(admin).toContain('<@U0ANA00001> until');
    expect(admin).toContain('<@U0CY000001> until');
    expect(admin).toContain('no delegate');
    expect(JSON.stringify(buildHomeView(base))).not.toContain('Who is away');
  });
});

describe('away modal', () => {
  it('is valid Block Kit, prefilled with the current status, and reads back what it shows', () => {
    const view = buildAwayModal(status);
    expect(validateView(view)).toEqual([]);
    const values = submitUnchanged(view as unknown as { blocks: unknown[] });
    expect(readAwayModal(values)).toEqual({ until: status.awayUntil, delegateId: 'U0BO000001' });
  });

  it('reads an empty form as no time and no delegate', () => {
    expect(readAwayModal({})).toEqual({ until: null, delegateId: null });
  });
});
