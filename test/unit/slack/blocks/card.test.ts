import { describe, expect, it } from 'vitest';
import type { RequestRow } from '../../../../src/services/requests/store.ts';
import { buildCard, decisionSummary } from '../../../../src/slack/blocks/card.ts';
import { describeDecider } from '../../../../src/slack/blocks/kit/actor.ts';
import { validateMessageBlocks } from '../../../support/block-kit.ts';

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
    grantId: null,
    grantKid: null,
    grantToken: null,
    grantEndedAt: null,
    grantEndedBy: null,
    grantEndReason: null,
    grantEndRepliedAt: null,
    grantEndDmAt: null,
    callbacksStoppedAt: null,
    createdAt: now,
    updatedAt: now,
    votes: [],
    ...overrides,
  };
}

describe('approval card', () => {
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

  it('shows the risk with its coloured dot', () => {
    expect(JSON.stringify(buildCard(row({ risk: 'high' })).blocks)).toContain(':large_orange_circle: High');
  });

  it('asks for confirmation before approving a critical action, and only then', () => {
    const buttons = (request: RequestRow) =>
      buildCard(request).blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])) as Array<{
        action_id: string;
        confirm?: unknown;
      }>;
    const critical = buttons(row({ risk: 'critical' }));
    expect(critical.map((b) => b.action_id)).toEqual(['approve_request', 'deny_request']);
    expect(critical[0]?.confirm).toMatchObject({ title: { text: 'Approve a critical action?' }, style: 'primary' });
    expect(critical[1]?.confirm).toBeUndefined();
    expect(buttons(row({ risk: 'high' }))[0]?.confirm).toBeUndefined();
    expect(validateMessageBlocks(buildCard(row({ risk: 'critical', action: 'a'.repeat(200) })).blocks)).toEqual([]);
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
    expect(decisionSummary(decided)).toMatch(/^:no_entry: \*Denied\* by <@U0APPROVA1> <!date\^\d+\^.*>\n>freeze$/);
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
  });
});

describe('decider and outcome', () => {
  it('names who decided: a user, a service or a rule', () => {
    expect(describeDecider({ decidedBy: 'U0APPROVA1' })).toBe('by <@U0APPROVA1>');
    expect(describeDecider({ decidedBy: 'service:deploy-bot' })).toBe('by deploy-bot');
    expect(describeDecider({ decidedBy: 'rule:Nights <off>' })).toBe('automatically by rule “Nights &lt;off&gt;”');
  });

  it('says Pending while pending', () => {
    expect(decisionSummary(row())).toBe('Pending');
  });
});
