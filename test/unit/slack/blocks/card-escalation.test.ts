import { describe, expect, it } from 'vitest';
import { buildCard } from '../../../../src/slack/blocks/card.ts';
import { validateMessageBlocks } from '../../../support/block-kit.ts';
import { requestRow } from '../../../support/request-row.ts';

describe('escalation on the card', () => {
  it('says who each level added and when', () => {
    const card = buildCard(
      requestRow({
        escalations: [
          { level: 1, at: '2026-11-23T10:10:00.000Z', approvers: ['U0ONCALL01', 'U0LEAD0001'], channelId: null },
          { level: 2, at: '2026-11-23T10:20:00.000Z', approvers: [], channelId: 'C0ESCALATE' },
        ],
      }),
    );
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('Escalated to <@U0ONCALL01>, <@U0LEAD0001> at <!date^1795428600^');
    expect(text).toContain('Escalated (level 2) at <!date^1795429200^');
    expect(text).toContain('everyone at that level was already asked');
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
  });

  it('says for whom a delegate was asked when the level’s person was away', () => {
    const card = buildCard(
      requestRow({
        escalations: [
          {
            level: 1,
            at: '2026-11-23T10:10:00.000Z',
            approvers: ['U0DELEGAT1'],
            channelId: null,
            stage: 0,
            away: [
              { user: 'U0LEAD0001', until: '2026-11-30T10:00:00.000Z', delegate: 'U0DELEGAT1' },
              { user: 'U0GONE0001', until: '2026-11-30T10:00:00.000Z', delegate: null },
            ],
          },
        ],
      }),
    );
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('Escalated to <@U0DELEGAT1> (for <@U0LEAD0001>, away) at <!date^1795428600^');
    expect(text).not.toContain('U0GONE0001');
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
  });

  it('stays inside Block Kit limits with ten levels of fifty people', () => {
    const people = Array.from({ length: 50 }, (_, i) => `U0PERSON${String(i).padStart(2, '0')}`);
    const escalations = Array.from({ length: 10 }, (_, i) => ({
      level: i + 1,
      at: '2026-11-23T10:10:00.000Z',
      approvers: people,
      channelId: null,
    }));
    const card = buildCard(requestRow({ escalations }));
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
    expect(card.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(card.blocks)).toContain('and 30 more');
  });

  it('shows nothing for a request that was never escalated, or whose record is unreadable', () => {
    expect(JSON.stringify(buildCard(requestRow()).blocks)).not.toContain('Escalated');
    expect(JSON.stringify(buildCard(requestRow({ escalations: { bogus: true } })).blocks)).not.toContain('Escalated');
  });
});
