import { describe, expect, it } from 'vitest';
import { buildCard } from '../../../../src/slack/blocks/card.ts';
import { routingNoteBlocks } from '../../../../src/slack/blocks/card-routing-notes.ts';
import { validateMessageBlocks } from '../../../support/block-kit.ts';
import { approvedRow, requestRow as row } from '../../../support/request-row.ts';

const UNTIL = '2026-12-12T09:00:00.000Z';

describe('card routing notes', () => {
  it('adds nothing when nobody was away or is told later', () => {
    expect(routingNoteBlocks(row())).toEqual([]);
  });

  it('says who is away until when, and who was asked instead', () => {
    const text = JSON.stringify(
      buildCard(
        row({
          routingNotes: {
            away: [
              { user: 'U0ANA00001', until: UNTIL, delegate: 'U0BO000001' },
              { user: 'U0CY000001', until: UNTIL, delegate: null },
            ],
            everyoneAway: false,
          },
        }),
      ).blocks,
    );
    expect(text).toContain('<@U0ANA00001> is away until <!date^1797066000^');
    expect(text).toContain('delegated to <@U0BO000001>');
    expect(text).toContain('<@U0CY000001> is away until');
    expect(text).toContain('not asked');
    expect(text).not.toContain('Everyone routed is away');
  });

  it('says everyone was asked when everyone routed is away', () => {
    const text = JSON.stringify(
      routingNoteBlocks(
        row({ routingNotes: { away: [{ user: 'U0ANA00001', until: UNTIL, delegate: null }], everyoneAway: true } }),
      ),
    );
    expect(text).toContain('Everyone routed is away; all were asked.');
    expect(text).not.toContain('not asked');
  });

  it('lists who is told later while pending only, and stays inside Block Kit limits', () => {
    const later = Array.from({ length: 40 }, (_, i) => `U0LATER${String(i).padStart(3, '0')}`);
    const notes = { away: later.map((user) => ({ user, until: UNTIL, delegate: null })), everyoneAway: true };
    const pending = buildCard(row({ notifyLaterIds: later, routingNotes: notes }));
    expect(validateMessageBlocks(pending.blocks)).toEqual([]);
    const text = JSON.stringify(pending.blocks);
    expect(text).toContain('told later: <@U0LATER000>');
    expect(text).toContain('and 30 more');
    expect(text).toContain('…and 30 more away.');
    expect(JSON.stringify(buildCard(approvedRow({ notifyLaterIds: later })).blocks)).not.toContain('told later');
  });

  it('ignores notes it cannot read', () => {
    expect(routingNoteBlocks(row({ routingNotes: { something: 'else' } }))).toEqual([]);
  });

  it('names the stage of each away approver of a chain, and each stage that asked everyone', () => {
    const text = JSON.stringify(
      routingNoteBlocks(
        row({
          workflow: {
            stages: [
              { name: 'Leads', approvers: ['U0ANA00001'], requiredApprovals: 1 },
              { name: 'Security', approvers: ['U0CY000001'], requiredApprovals: 1 },
            ],
            reminder: null,
            escalation: [],
            breakGlass: null,
            needsInfo: null,
          },
          routingNotes: {
            away: [
              { user: 'U0ANA00001', until: UNTIL, delegate: 'U0BO000001', stage: 0 },
              { user: 'U0CY000001', until: UNTIL, delegate: null, stage: 1 },
            ],
            everyoneAway: false,
            everyoneAwayStages: [1],
          },
        }),
      ),
    );
    expect(text).toContain('<@U0ANA00001> (Stage 1 (Leads)) is away until');
    expect(text).toContain('delegated to <@U0BO000001>');
    expect(text).toContain('<@U0CY000001> (Stage 2 (Security)) is away until');
    expect(text).not.toContain('not asked');
    expect(text).toContain('Too many in Stage 2 (Security) are away; all of that stage were asked.');
    expect(text).not.toContain('Everyone routed is away');
  });
});
