import { describe, expect, it } from 'vitest';
import type { RequestRow } from '../../../../src/services/requests/store.ts';
import { buildCard, decisionSummary } from '../../../../src/slack/blocks/card.ts';
import { describeDecider } from '../../../../src/slack/blocks/kit/actor.ts';
import { validateMessageBlocks } from '../../../support/block-kit.ts';
import { approvedRow, requestRow as row } from '../../../support/request-row.ts';

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

  it('names the MCP client an agent asked through, escaped, on the context line; nothing for other requests', () => {
    const lastLine = (request: RequestRow) => JSON.stringify(buildCard(request).blocks.at(-1));
    expect(lastLine(row({ mcpClientName: 'Claude Code', mcpClientVersion: '1.0.3' }))).toContain(
      ' via Claude Code 1.0.3 · ',
    );
    expect(lastLine(row({ mcpClientName: '<!here> bot', mcpClientVersion: '2' }))).toContain('via &lt;!here&gt; bot 2');
    expect(lastLine(row())).not.toContain(' via ');
  });

  it('shows the risk with its coloured dot', () => {
    expect(JSON.stringify(buildCard(row({ risk: 'high' })).blocks)).toContain(':large_orange_circle: High');
  });

  it('asks for confirmation before approving a critical action, and only then', () => {
    const buttons = (request: RequestRow) =>
      buildCard(request).blocks.flatMap((b) =>
        b.type === 'actions' && b.block_id === 'decision' ? b.elements : [],
      ) as Array<{
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
  it('names who decided: a user, a service acting for the requester, or a rule', () => {
    const requesterSlackId = 'U0REQUEST1';
    expect(describeDecider({ decidedBy: 'U0APPROVA1', requesterSlackId })).toBe('by <@U0APPROVA1>');
    expect(describeDecider({ decidedBy: 'service:deploy-bot', requesterSlackId })).toBe(
      'by service deploy-bot on behalf of <@U0REQUEST1>',
    );
    // An unlinked GitHub login is no Slack user to act for: the service alone is named.
    expect(describeDecider({ decidedBy: 'service:github', requesterSlackId: 'github:octo' })).toBe('by github');
    expect(describeDecider({ decidedBy: 'rule:Nights <off>', requesterSlackId })).toBe(
      'automatically by rule “Nights &lt;off&gt;”',
    );
  });

  it('says Pending while pending', () => {
    expect(decisionSummary(row())).toBe('Pending');
  });
});

describe('approved card and its grant', () => {
  const buttons = (request: RequestRow) =>
    buildCard(request).blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])) as Array<{
      action_id: string;
      style?: string;
      text: { text: string };
      confirm?: { title: { text: string }; style?: string };
    }>;

  it('offers Revoke access, danger-styled and confirmed, only while approved', () => {
    const approved = approvedRow();
    const [revoke, ...rest] = buttons(approved);
    expect(rest).toEqual([]);
    expect(revoke).toMatchObject({ action_id: 'revoke_grant', style: 'danger', text: { text: 'Revoke access' } });
    expect(revoke?.confirm).toMatchObject({ title: { text: 'Revoke this access?' }, style: 'danger' });
    for (const status of ['executed', 'revoked', 'lapsed'] as const) {
      expect(buttons(approvedRow({ status }))).toEqual([]);
    }
    expect(
      validateMessageBlocks(buildCard(approvedRow({ action: 'a'.repeat(200), resource: 'r'.repeat(500) })).blocks),
    ).toEqual([]);
  });

  it('shows the approval and, beside it, until when the access is valid, or when and how it ended', () => {
    const text = (request: RequestRow) => JSON.stringify(buildCard(request).blocks);
    const at = (iso: string) => `<!date^${Date.parse(iso) / 1000}^`;
    const approved = text(approvedRow());
    expect(approved).toContain(`*Approved* by <@U0APPROVA1> ${at('2026-11-23T10:05:00Z')}`);
    expect(approved).toContain(`Access valid until ${at('2026-11-23T10:20:00Z')}`);

    const executed = text(approvedRow({ status: 'executed', executedAt: new Date('2026-11-23T10:07:00Z') }));
    expect(executed).toContain(`*Approved* by <@U0APPROVA1> ${at('2026-11-23T10:05:00Z')}`);
    expect(executed).toContain(`:rocket: *Executed* ${at('2026-11-23T10:07:00Z')}`);

    const revoked = text(
      approvedRow({
        status: 'revoked',
        grantEndedAt: new Date('2026-11-23T10:08:00Z'),
        grantEndedBy: 'service:deploy-bot',
        grantEndReason: 'rolled <back>',
      }),
    );
    expect(revoked).toContain(
      `*Access revoked* by service deploy-bot on behalf of <@U0REQUEST1> ${at('2026-11-23T10:08:00Z')}`,
    );
    expect(revoked).toContain('— rolled &lt;back&gt;');

    const lapsed = text(
      approvedRow({ status: 'lapsed', grantEndedAt: new Date('2026-11-23T10:20:00Z'), grantEndedBy: 'system' }),
    );
    expect(lapsed).toContain(`*Access lapsed unused* ${at('2026-11-23T10:20:00Z')}`);
    expect(lapsed).not.toContain('by Greenlight');
  });

  it('keeps summarising the decision as an approval after the grant ended', () => {
    expect(decisionSummary(approvedRow({ status: 'executed', executedAt: new Date() }))).toMatch(
      /^:white_check_mark: \*Approved\* by <@U0APPROVA1> /,
    );
  });
});
