import { describe, expect, it } from 'vitest';
import { buildStartupSummary, type StartupFacts } from '../../../src/platform/startup-summary.ts';

const CONFIGURED: StartupFacts = {
  config: {
    APPROVAL_CHANNEL: 'C0APPROVAL',
    APPROVERS: ['U0ALICE01', 'S0ONCALL01'],
    REQUIRED_APPROVALS: 1,
    ADMIN_USER_IDS: ['U0ADMIN01'],
    ROLE: 'all',
    DATABASE_URL: 'postgresql://greenlight:db-pa55word@db.internal:5433/greenlight',
  },
  mode: 'socket',
  redis: { url: 'redis://:redis-pa55word@cache.internal:6380/0', source: 'REDIS_URL' },
  enabledRules: 2,
  apiClients: ['ci', 'deploy'],
  publicUrl: 'https://greenlight.example.com',
};

describe('the startup summary', () => {
  it('says what was configured, API clients by name, and nothing secret', () => {
    const summary = buildStartupSummary(CONFIGURED);
    expect(summary.fields).toEqual({
      mode: 'socket',
      role: 'all',
      publicUrl: 'https://greenlight.example.com',
      database: 'host db.internal, port 5433, database greenlight, user greenlight',
      redis: 'cache.internal:6380',
      defaultRoute: { channel: 'C0APPROVAL', approvers: ['U0ALICE01', 'S0ONCALL01'], requiredApprovals: 1 },
      enabledRules: 2,
      admins: ['U0ADMIN01'],
      apiClients: ['ci', 'deploy'],
    });
    expect(summary.line).toBe(
      'Slack over Socket Mode; role all; default route C0APPROVAL (2 approvers, 1 approval needed); 2 enabled rules; admins U0ADMIN01; API clients ci, deploy; database host db.internal, port 5433, database greenlight, user greenlight; redis cache.internal:6380',
    );
    expect(summary.warnings).toEqual([]);
    const text = JSON.stringify(summary);
    expect(text).not.toContain('db-pa55word');
    expect(text).not.toContain('redis-pa55word');
  });

  it('names the embedded databases', () => {
    const summary = buildStartupSummary({
      ...CONFIGURED,
      mode: 'http',
      config: { ...CONFIGURED.config, DATABASE_URL: undefined },
      redis: { url: 'redis://127.0.0.1:40123', source: 'embedded' },
    });
    expect(summary.fields).toMatchObject({
      mode: 'http',
      database: 'embedded (PGlite under DATA_DIR)',
      redis: '127.0.0.1:40123 (private, under DATA_DIR)',
    });
    expect(summary.line).toMatch(/^Slack over HTTP \(\/slack\/events\);/);
  });

  it('warns that every API call will be refused with no approvers and no rules, and that nobody can edit rules without admins', () => {
    const summary = buildStartupSummary({
      ...CONFIGURED,
      config: { ...CONFIGURED.config, APPROVAL_CHANNEL: undefined, APPROVERS: [], ADMIN_USER_IDS: [] },
      enabledRules: 0,
      apiClients: [],
    });
    expect(summary.fields).toMatchObject({ defaultRoute: null, admins: [], apiClients: [] });
    expect(summary.line).toContain('no default route; 0 enabled rules; no admins; no API clients');
    expect(summary.warnings).toEqual([
      expect.stringMatching(/^no approvers: .*every API call will be refused/),
      expect.stringMatching(/^no admins: .*nobody can edit rules/),
      expect.stringMatching(/^no API clients: SERVICE_API_KEYS is empty/),
    ]);
  });

  it('with rules but no default route, warns only about requests no rule matches', () => {
    const summary = buildStartupSummary({ ...CONFIGURED, config: { ...CONFIGURED.config, APPROVERS: [] } });
    expect(summary.warnings).toEqual([expect.stringMatching(/^no default route: requests that match no rule/)]);
  });

  it('warns, by name, of an enabled rule stored with a glob refused today, which never matches', () => {
    const summary = buildStartupSummary({
      ...CONFIGURED,
      unmatchableRules: [{ name: 'Legacy', pattern: '@(db|schema).*', problem: 'uses an extglob' }],
    });
    expect(summary.warnings).toEqual([
      'rule "Legacy" never matches: its glob "@(db|schema).*" uses an extglob — edit the rule in App Home or its rules file',
    ]);
  });
});
