import { describe, expect, it } from 'vitest';
import type { HomeData } from '../../../../src/services/home/home-data.ts';
import type { RequestRow } from '../../../../src/services/requests/store.ts';
import type { RuleRow } from '../../../../src/services/routing/rules-store.ts';
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
const rule = (i: number): RuleRow => ({
  id: `rule-${i}`,
  name: `Rule ${i} ${long}`.slice(0, 80),
  priority: i,
  enabled: i % 2 === 0,
  actionPattern: '*'.repeat(200),
  resourcePattern: '*'.repeat(200),
  environments: Array.from({ length: 20 }, (_, j) => `env-${j}-${long}`.slice(0, 100)),
  minRisk: 'high',
  timeCondition: { mode: 'outside', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', timeZone: 'Europe/Berlin' },
  outcome: 'require_approval',
  denyMessage: null,
  channelId: 'C0DBAPPROV',
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
      decisions: {
        items: Array.from({ length: 5 }, (_, i) => ({
          request: request(20 + i),
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
      decisions: { items: [], page: 0, hasMore: false },
      rules: { items: [rule(2)], page: 0, hasMore: false, total: 1 },
      keys: {
        items: [
          {
            id: 'k1',
            name: 'deploy-bot',
            keyPrefix: 'gl_abcd',
            origin: 'admin',
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

  it('shows when each API key was last used', () => {
    const key = {
      id: 'k1',
      name: 'deploy-bot',
      keyPrefix: 'gl_abcd',
      origin: 'admin',
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
          decisions: { items: [], page: 0, hasMore: false },
          rules: { items: [], page: 0, hasMore: false, total: 0 },
          keys: { items: [{ ...key, lastUsedAt }], page: 0, hasMore: false },
        }),
      );
    expect(home(null)).toContain('never used');
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
