import { describe, expect, it } from 'vitest';
import { buildBreakGlassModal, buildBreakGlassReviewModal } from '../../../../src/slack/blocks/break-glass-modals.ts';
import { buildCard } from '../../../../src/slack/blocks/card.ts';
import { breakGlassAnnouncement } from '../../../../src/slack/blocks/card-break-glass.ts';
import { buildHomeView } from '../../../../src/slack/blocks/home-view.ts';
import { validateMessageBlocks, validateView } from '../../../support/block-kit.ts';
import { approvedRow, requestRow as row } from '../../../support/request-row.ts';

const many = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `U${prefix}${String(i).padStart(6, '0')}`);

/** A two-stage chain: leads (1 of 2), then security (2 of 50), snapshot as create.ts writes it. */
function chained(overrides: Parameters<typeof row>[0] = {}) {
  return row({
    workflow: {
      stages: [
        { name: 'Team leads', approvers: ['U0LEAD0001', 'U0LEAD0002'], requiredApprovals: 1 },
        { name: 'Security', approvers: ['S0SECURITY'], requiredApprovals: 2 },
      ],
    },
    stageApprovers: [['U0LEAD0001', 'U0LEAD0002'], many('SEC', 50)],
    ...overrides,
  });
}

const text = (blocks: unknown) => JSON.stringify(blocks);

describe('card: multi-stage chains', () => {
  it('shows every stage, who approved it and which one decides now, inside Block Kit limits', () => {
    const card = buildCard(
      chained({
        votes: [{ voterId: 'U0LEAD0001', decision: 'approve', reason: null, stage: 0, createdAt: new Date() }],
      }),
    );
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
    const shown = text(card.blocks);
    expect(shown).toContain(':white_check_mark: *Stage 1 · Team leads* — 1 of 1 by <@U0LEAD0001>');
    expect(shown).toContain(':arrow_forward: *Stage 2 · Security* — 0 of 2 · *now deciding:*');
    expect(shown).toContain('and 40 more');
    // The single-list progress line gives way to the stages.
    expect(shown).not.toContain('*Approvals:*');
  });

  it('shows no stages for a request without them', () => {
    expect(text(buildCard(row()).blocks)).not.toContain('Approval stages');
  });
});

describe('card: break-glass', () => {
  const allowed = { breakGlass: { allowed: true, channelId: 'C0INCIDENT' } };

  it('offers Break glass while pending where the rule allows it, and only there', () => {
    expect(text(buildCard(row({ workflow: allowed })).blocks)).toContain('"action_id":"break_glass"');
    expect(text(buildCard(row()).blocks)).not.toContain('"action_id":"break_glass"');
    expect(text(buildCard(approvedRow({ workflow: allowed })).blocks)).not.toContain('"action_id":"break_glass"');
  });

  it('says loudly that break-glass was used, offers Review until reviewed, then shows the verdict', () => {
    const used = approvedRow({ workflow: allowed, decidedBy: 'U0REQUEST1', breakGlassReason: 'Prod down' });
    const before = text(buildCard(used).blocks);
    expect(before).toContain(':rotating_light: *Break-glass:*');
    expect(before).toContain('"action_id":"break_glass_review"');
    const reviewed = buildCard({
      ...used,
      breakGlassVerdict: 'acceptable',
      breakGlassReviewNote: 'Fair call',
      breakGlassReviewedBy: 'U0APPROVA1',
      breakGlassReviewedAt: new Date('2026-11-23T11:00:00Z'),
    });
    expect(validateMessageBlocks(reviewed.blocks)).toEqual([]);
    expect(text(reviewed.blocks)).toContain('*Acceptable* by <@U0APPROVA1>');
    expect(text(reviewed.blocks)).not.toContain('break_glass_review');
  });

  it('names the service that broke glass on the requester’s behalf, never as the requester’s own act', () => {
    const byService = approvedRow({
      workflow: allowed,
      decidedBy: 'service:ci',
      breakGlassReason: 'Prod down',
      messageTs: '1700000000.000100',
    });
    const card = text(buildCard(byService).blocks);
    expect(card).toContain('*Break-glass:* service ci broke glass on behalf of <@U0REQUEST1>');
    expect(card).not.toContain('approved their own request');
    expect(breakGlassAnnouncement(byService).text).toContain('service ci broke glass on behalf of <@U0REQUEST1>');
    const own = approvedRow({ workflow: allowed, decidedBy: 'U0REQUEST1', breakGlassReason: 'Prod down' });
    expect(text(buildCard(own).blocks)).toContain('<@U0REQUEST1> approved their own request');
  });

  it('announces within limits, whatever the justification', () => {
    const announcement = breakGlassAnnouncement(
      approvedRow({ breakGlassReason: 'x'.repeat(3000), messageTs: '1700000000.000100' }),
    );
    expect(validateMessageBlocks(announcement.blocks)).toEqual([]);
    expect(announcement.text).toContain('BREAK-GLASS');
  });

  it('builds valid modals', () => {
    const base = { requestId: approvedRow().id, action: 'db.drop_table', resource: 'prod/customers' };
    expect(validateView(buildBreakGlassModal(base))).toEqual([]);
    expect(
      validateView(buildBreakGlassReviewModal({ ...base, requesterSlackId: 'U0REQUEST1', reason: 'y'.repeat(3000) })),
    ).toEqual([]);
  });

  it('lists unreviewed uses for admins in App Home', () => {
    const use = approvedRow({ breakGlassReason: 'Prod down' });
    const page = { items: [], page: 0, hasMore: false };
    const view = buildHomeView({
      userId: 'U0ADMIN001',
      isAdmin: true,
      mine: page,
      awaiting: page,
      grants: page,
      decisions: page,
      rules: { ...page, total: 0 },
      keys: page,
      breakGlass: { items: [use], total: 12 },
    });
    expect(validateView(view)).toEqual([]);
    expect(text(view.blocks)).toContain('Break-glass to review');
    expect(text(view.blocks)).toContain('…and 11 more');
  });
});
