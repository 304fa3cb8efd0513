import { describe, expect, it } from 'vitest';
import { dmMessage, dmText } from '../../../../src/slack/blocks/notifications.ts';
import { validateMessageBlocks } from '../../../support/block-kit.ts';
import { approvedRow, requestRow } from '../../../support/request-row.ts';

describe('requester DMs', () => {
  it('offers Show grant in the outcome DM of an approved request made in Slack, and only there', () => {
    const slack = approvedRow({ source: 'slack' });
    const message = dmMessage(slack, 'outcome');
    expect(message.text).toContain('*Approved* by <@U0APPROVA1>');
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(message.blocks?.at(-1)).toMatchObject({
      type: 'actions',
      block_id: 'grant',
      elements: [
        { action_id: 'show_grant', value: slack.id, text: { text: 'Show grant' } },
        { action_id: 'request_extension', value: slack.id, text: { text: 'Request extension' } },
      ],
    });
    // A service's request: the grant went to the service. Ended grants: nothing to show.
    expect(dmMessage(approvedRow({ source: 'api' }), 'outcome').blocks).toBeUndefined();
    expect(dmMessage(approvedRow({ source: 'slack', status: 'revoked' }), 'outcome').blocks).toBeUndefined();
    expect(dmMessage(slack, 'submitted').blocks).toBeUndefined();
  });

  it('tells the person a service named that it made the request, or broke glass, in their name', () => {
    const pending = requestRow({ source: 'api', messageTs: '1700000000.000100' });
    const made = dmText(pending, 'submitted', 'ci');
    expect(made).toMatch(/^Service \*ci\* made a request in your name for `[^`]+` on `[^`]+`: <https:\/\/slack\.com/);
    expect(made).toContain('you cannot approve it yourself');
    const glass = approvedRow({
      source: 'api',
      messageTs: '1700000000.000100',
      decidedBy: 'service:ci',
      breakGlassReason: 'INC-7',
    });
    expect(dmText(glass, 'submitted', 'ci')).toMatch(
      /^:rotating_light: Service \*ci\* invoked break-glass in your name/,
    );
    // Someone who asked in Slack themselves is told it is their request.
    expect(dmText(pending, 'submitted')).toMatch(/^Your request for/);
  });

  it('tells the requester who revoked their access, when and why', () => {
    const revoked = approvedRow({
      status: 'revoked',
      grantEndedAt: new Date('2026-11-23T10:08:00Z'),
      grantEndedBy: 'U0APPROVB1',
      grantEndReason: 'Change <freeze>',
    });
    expect(dmText(revoked, 'grant_ended')).toBe(
      ':leftwards_arrow_with_hook: Your access for `db.drop_table` on `prod/customers` was revoked by <@U0APPROVB1> ' +
        `<!date^${Date.parse('2026-11-23T10:08:00Z') / 1000}^{date_short_pretty} at {time}|2026-11-23 10:08 UTC>: Change &lt;freeze&gt;`,
    );
    expect(dmText({ ...revoked, grantEndReason: null }, 'grant_ended')).toMatch(
      /revoked by <@U0APPROVB1> <!date[^>]+>\.$/,
    );
  });

  it('tells the requester their access lapsed unused', () => {
    const lapsed = approvedRow({
      status: 'lapsed',
      grantEndedAt: new Date('2026-11-23T10:20:00Z'),
      grantEndedBy: 'system',
    });
    expect(dmText(lapsed, 'grant_ended')).toMatch(
      /^:hourglass: Your access for .* lapsed unused <!date\^\d+\^[^>]+>: /,
    );
  });
});
