import { describe, expect, it } from 'vitest';
import type { RequestRow } from '../../../src/services/requests/store.ts';
import { buildCard, outcomeText, slackDate } from '../../../src/slack/blocks/card.ts';
import { buildReasonModal, buildRequestModal, parseCommandText, ttlChoices } from '../../../src/slack/blocks/modals.ts';
import { validateMessageBlocks, validateView } from '../../support/block-kit.ts';

function row(overrides: Partial<RequestRow> = {}): RequestRow {
  const now = new Date('2026-11-23T10:00:00Z');
  return {
    id: '7f1c1a52-5a8e-4f0e-9d7e-2b1f7a3c9e10',
    status: 'pending',
    version: 0,
    source: 'api',
    action: 'db.drop_table',
    resource: 'prod/customers',
    environment: 'production',
    risk: 'high',
    reason: 'Replaced by customers_v2',
    context: { ticket: 'OPS-1' },
    paramsHash: 'h',
    requesterSlackId: 'U0REQUEST1',
    requesterEmail: null,
    apiClientId: null,
    idempotencyKey: null,
    idempotencyHash: null,
    callbackUrl: null,
    ruleId: null,
    ruleName: null,
    channelId: 'C0APPROVAL',
    approverIds: ['U0APPROVA1'],
    requiredApprovals: 1,
    requireReason: false,
    grantSeconds: null,
    messageTs: null,
    cardVersion: null,
    threadRepliedAt: null,
    outcomeDmAt: null,
    slackError: null,
    expiresAt: new Date(now.getTime() + 900_000),
    decidedAt: null,
    decidedBy: null,
    decisionReason: null,
    grantExpiresAt: null,
    executedAt: null,
    createdAt: now,
    updatedAt: now,
    votes: [],
    ...overrides,
  };
}

describe('approval card', () => {
  it('formats dates for each viewer with a UTC fallback', () => {
    expect(slackDate(new Date('2026-11-23T10:15:00Z'))).toBe(
      '<!date^1795428900^{date_short_pretty} at {time}|2026-11-23 10:15 UTC>',
    );
  });

  it('stays inside Block Kit limits however large the input', () => {
    const huge = 'x'.repeat(10_000);
    const context = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${'k'.repeat(90)}${i}`, huge]));
    const card = buildCard(
      row({ action: 'a'.repeat(200), resource: 'r'.repeat(500), reason: huge, environment: 'e'.repeat(100), context }),
    );
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
    expect(card.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(card.blocks)).toContain('…and 30 more context fields');
  });

  it('escapes mrkdwn control characters from callers', () => {
    const card = buildCard(row({ reason: '<!channel> & <https://evil|click>' }));
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;https://evil|click&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('replaces the buttons with the outcome once decided', () => {
    const decided = row({
      status: 'denied',
      decidedBy: 'U0APPROVA1',
      decidedAt: new Date('2026-11-23T10:05:00Z'),
      decisionReason: 'freeze',
    });
    const card = buildCard(decided);
    expect(card.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(outcomeText(decided)).toMatch(/^:no_entry: \*Denied\* by <@U0APPROVA1> <!date\^\d+\^.*>\n>freeze$/);
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
  });
});

describe('modals', () => {
  it('parses /request-action text into a prefill', () => {
    expect(parseCommandText('  db.drop_table   prod/customers because  it is replaced ')).toEqual({
      action: 'db.drop_table',
      resource: 'prod/customers',
      reason: 'it is replaced',
    });
    expect(parseCommandText('')).toEqual({});
    expect(parseCommandText('deploy.prod')).toEqual({ action: 'deploy.prod' });
  });

  it('offers time-to-decide choices inside the configured bounds, always with the default', () => {
    expect(ttlChoices(60, 3600, 900)).toEqual([300, 900, 1800, 3600]);
    expect(ttlChoices(30, 86400, 45)).toEqual([45, 300, 900, 1800, 3600, 14400, 28800, 86400]);
  });

  it('builds views Slack accepts, even with long prefills', () => {
    const modal = buildRequestModal({
      prefill: parseCommandText(`${'a'.repeat(300)} ${'r'.repeat(600)} ${'why '.repeat(1000)}`),
      ttl: { min: 30, max: 86400, default: 900 },
      privateMetadata: JSON.stringify({ channelId: 'C0X' }),
    });
    expect(validateView(modal)).toEqual([]);
    expect(
      validateView(
        buildReasonModal({ decision: 'deny', requestId: row().id, action: 'a'.repeat(200), resource: 'r'.repeat(500) }),
      ),
    ).toEqual([]);
  });
});
