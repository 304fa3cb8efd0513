import { describe, expect, it } from 'vitest';
import type { HomeData } from '../../../../src/services/home/home-data.ts';
import type { RequestRow } from '../../../../src/services/requests/store.ts';
import type { RuleRow } from '../../../../src/services/routing/rule-row.ts';
import { NO_WORKFLOW } from '../../../../src/services/routing/rule-schema.ts';
import { buildHomeView, describeRule } from '../../../../src/slack/blocks/home-view.ts';
import { validateView } from '../../../support/block-kit.ts';

const long = 'x'.repeat(5000);
const request = (i: number): RequestRow =>
  ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    status: 'pending',
    action: `db.${long}`.slice(0, 200),
    resource: long.slice(0, 500),
    reason: long,
    risk: 'critical',
    requesterSlackId: 'U0REQUEST1',
    channelId: 'C0APPROVAL',
    expiresAt: new Date('2026-11-23T10:00:00Z'),
  }) as RequestRow;
/** An approved request with its grant window and decision recorded. */
const approved = (i: number, overrides: Partial<RequestRow> = {}): RequestRow => ({
  ...request(i),
  status: 'approved',
  source: 'slack',
  decidedAt: new Date('2026-11-23T09:00:00Z'),
  decidedBy: 'U0APPROVA1',
  grantExpiresAt: new Date('2026-11-23T09:15:00Z'),
  executedAt: null,
  grantEndedAt: null,
  grantEndedBy: null,
  grantEndReason: null,
  ...overrides,
});
/** A request whose grant was revoked, with the longest reason there can be. */
const ended = (i: number): RequestRow =>
  approved(i, {
    status: 'revoked',
    grantEndedAt: new Date('2026-11-23T09:05:00Z'),
    grantEndedBy: 'U0APPROVA1',
    grantEndReason: long.slice(0, 3000),
  });
const rule = (i: number): RuleRow => ({
  id: `rule-${i}`,
  name: `Rule ${i} ${long}`.slice(0, 80),
  priority: i,
  enabled: i % 2 === 0,
  actionPatterns: Array.from({ length: 20 }, () => '*'.repeat(200)),
  resourcePatterns: Array.from({ length: 20 }, () => '*'.repeat(200)),
  environments: Array.from({ length: 20 }, (_, j) => `env-${j}-${long}`.slice(0, 100)),
  minRisk: 'high',
  timeCondition: { mode: 'outside', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', timeZone: 'Europe/Berlin' },
  outcome: 'require_approval',
  denyMessage: null,
  channelId: 'C0DBAPPROV',
  ...NO_WORKFLOW,
  managedBy: null,
  approvers: Array.from({ length: 50 }, (_, j) => `U0APPR${String(j).padStart(4, '0')}`),
  requiredApprovals: 3,
  ttlSeconds: 600,
  grantSeconds: 3600,
  requireReason: true,
  updatedAt: new Date(),
});

describe('App Home view', () => {
  it('stays inside Block Kit limits with every section full and long content', () => {
    const data: HomeData = {
      userId: 'U0ADMIN001',
      isAdmin: true,
      mine: { items: Array.from({ length: 5 }, (_, i) => request(i)), page: 1, hasMore: true },
      awaiting: { items: Array.from({ length: 5 }, (_, i) => request(10 + i)), page: 2, hasMore: true },
      grants: {
        items: Array.from({ length: 5 }, (_, i) => approved(30 + i, { requesterSlackId: 'U0ADMIN001' })),
        page: 1,
        hasMore: true,
      },
      decisions: {
        items: Array.from({ length: 5 }, (_, i) => ({
          request: ended(20 + i),
          decision: 'approve' as const,
          at: new Date(),
        })),
        page: 1,
        hasMore: true,
      },
      rules: { items: Array.from({ length: 6 }, (_, i) => rule(i)), page: 1, hasMore: true, total: 500 },
      keys: {
        items: Array.from({ length: 5 }, (_, i) => ({
          id: `k${i}`,
          name: `key-${i}`,
          keyPrefix: 'gl_abcd',
          origin: i % 2 ? 'env' : 'admin',
          scope: i % 2 ? ('admin' as const) : ('request' as const),
          createdBy: 'U0ADMIN001',
          createdAt: new Date(),
          lastUsedAt: null,
        })),
        page: 1,
        hasMore: true,
      },
    };
    const view = buildHomeView(data, { rules: 1 });
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view)).toContain('home_page_rules_prev');
  });

  it('shows no admin sections to non-admins', () => {
    const empty = { items: [], page: 0, hasMore: false };
    const view = buildHomeView({
      userId: 'U0MEMBER01',
      isAdmin: false,
      mine: empty,
      awaiting: empty,
      grants: empty,
      decisions: empty,
    });
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view)).not.toContain('home_rule_');
  });

  it('asks before cancelling a request, revoking a key or deleting a rule', () => {
    const data: HomeData = {
      userId: 'U0ADMIN001',
      isAdmin: true,
      mine: { items: [request(1)], page: 0, hasMore: false },
      awaiting: { items: [], page: 0, hasMore: false },
      grants: { items: [], page: 0, hasMore: false },
      decisions: { items: [], page: 0, hasMore: false },
      rules: { items: [rule(2)], page: 0, hasMore: false, total: 1 },
      keys: {
        items: [
          {
            id: 'k1',
            name: 'deploy-bot',
            keyPrefix: 'gl_abcd',
            origin: 'admin',
            scope: 'request',
            createdBy: 'U0ADMIN001',
            createdAt: new Date(),
            lastUsedAt: null,
          },
        ],
        page: 0,
        hasMore: false,
      },
    };
    const confirms = JSON.stringify(buildHomeView(data));
    expect(confirms).toContain('"title":{"type":"plain_text","text":"Cancel this request?","emoji":true}');
    expect(confirms).toContain('"title":{"type":"plain_text","text":"Delete this rule?","emoji":true}');
    expect(confirms).toContain('"title":{"type":"plain_text","text":"Revoke this key?","emoji":true}');
    expect(confirms.match(/"deny":\{"type":"plain_text","text":"Keep it","emoji":true\}/g)).toHaveLength(3);
  });

  describe('Active access', () => {
    const empty = { items: [], page: 0, hasMore: false };
    const home = (userId: string, grants: RequestRow[], decisions: RequestRow[] = []) =>
      buildHomeView({
        userId,
        isAdmin: false,
        mine: empty,
        awaiting: empty,
        grants: { items: grants, page: 0, hasMore: false },
        decisions: {
          items: decisions.map((r) => ({ request: r, decision: 'approve' as const, at: new Date() })),
          page: 0,
          hasMore: false,
        },
      });
    const buttons = (view: ReturnType<typeof buildHomeView>, id: string) =>
      view.blocks
        .filter((b) => b.type === 'actions' && b.block_id === `grant_${id}`)
        .flatMap((b) => (b as { elements: Array<{ action_id: string; text: { text: string } }> }).elements)
        .map((e) => [e.action_id, e.text.text]);

    it('is left out for someone with no access to revoke', () => {
      expect(JSON.stringify(home('U0MEMBER01', []))).not.toContain('Active access');
    });

    it('offers Revoke access to an approver, and Show grant as well to the requester of a Slack request', () => {
      const grant = approved(1);
      const asApprover = home('U0APPROVA1', [grant]);
      expect(validateView(asApprover)).toEqual([]);
      expect(JSON.stringify(asApprover)).toContain('Active access');
      expect(buttons(asApprover, grant.id)).toEqual([['revoke_grant', 'Revoke access']]);
      const asRequester = home('U0REQUEST1', [grant]);
      expect(buttons(asRequester, grant.id)).toEqual([
        ['show_grant', 'Show grant'],
        ['revoke_grant', 'Revoke access'],
      ]);
      // A service's request: its grant went to the service, so the requester is not offered it.
      expect(buttons(home('U0REQUEST1', [approved(2, { source: 'api' })]), approved(2).id)).toEqual([
        ['revoke_grant', 'Revoke access'],
      ]);
    });

    it('says who approved it and when, and until when the access is valid', () => {
      const text = JSON.stringify(home('U0APPROVA1', [approved(1)]));
      const approvedAt = Date.parse('2026-11-23T09:00:00Z') / 1000;
      const validUntil = Date.parse('2026-11-23T09:15:00Z') / 1000;
      expect(text).toContain(`approved by <@U0APPROVA1> <!date^${approvedAt}^`);
      expect(text).toContain(`Access valid until <!date^${validUntil}^`);
    });

    it('shows in recent decisions when a grant was executed, revoked (by whom, why) or lapsed', () => {
      const executedAt = new Date('2026-11-23T09:03:00Z');
      const view = home(
        'U0APPROVA1',
        [],
        [
          approved(1, { status: 'executed', executedAt }),
          approved(2, {
            status: 'revoked',
            grantEndedAt: new Date('2026-11-23T09:04:00Z'),
            grantEndedBy: 'U0APPROVB1',
            grantEndReason: 'Change freeze',
          }),
          approved(3, { status: 'lapsed', grantEndedAt: new Date('2026-11-23T09:15:00Z'), grantEndedBy: 'system' }),
        ],
      );
      expect(validateView(view)).toEqual([]);
      const text = JSON.stringify(view);
      expect(text).toContain(`*Executed* <!date^${executedAt.getTime() / 1000}^`);
      expect(text).toMatch(/\*Access revoked\* by <@U0APPROVB1> <!date\^\d+\^[^>]+> — Change freeze/);
      expect(text).toContain('*Access lapsed unused* <!date^');
    });
  });

  it('shows when each API key was last used, and its scope', () => {
    const key = {
      id: 'k1',
      name: 'deploy-bot',
      keyPrefix: 'gl_abcd',
      origin: 'admin',
      scope: 'request' as const,
      createdBy: 'U0ADMIN001',
      createdAt: new Date('2026-11-01T00:00:00Z'),
    };
    const home = (lastUsedAt: Date | null) =>
      JSON.stringify(
        buildHomeView({
          userId: 'U0ADMIN001',
          isAdmin: true,
          mine: { items: [], page: 0, hasMore: false },
          awaiting: { items: [], page: 0, hasMore: false },
          grants: { items: [], page: 0, hasMore: false },
          decisions: { items: [], page: 0, hasMore: false },
          rules: { items: [], page: 0, hasMore: false, total: 0 },
          keys: { items: [{ ...key, lastUsedAt }], page: 0, hasMore: false },
        }),
      );
    expect(home(null)).toContain('never used');
    expect(home(null)).toContain('request scope');
    const seconds = Date.parse('2026-11-20T12:00:00Z') / 1000;
    expect(home(new Date(seconds * 1000))).toContain(`last used <!date^${seconds}^`);
  });

  it('describes a rule: when it applies and what then happens', () => {
    expect(describeRule(rule(2)).split('\n')[0]).toMatch(/^\*Rule 2 x+\*$/);
    expect(describeRule({ ...rule(1), outcome: 'auto_deny', denyMessage: 'Freeze <now>' })).toMatch(
      /^:no_entry_sign: \*disabled\* · .*\nThen deny automatically: “Freeze &lt;now&gt;”$/s,
    );
  });
});
