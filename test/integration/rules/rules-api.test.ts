import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listIdentities, replaceIdentities, setIdentity } from '../../../src/services/identities/identities.ts';
import { createRule, deleteRule, listRules } from '../../../src/services/routing/rules-store.ts';
import { query } from '../../support/database.ts';
import { API_KEY, APPROVER_A, APPROVER_B, api, startLifecycleApp } from '../../support/lifecycle.ts';
import { FULL_RULE, FULL_RULES_YAML, smallRule } from '../../support/rule-documents.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN_KEY = `rules-${randomBytes(16).toString('hex')}`;
const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };

type Problem = { path: string; message: string };
type ErrorBody = { error: { code: string; message: string; fields?: Problem[] } };
type Rule = Record<string, unknown> & { id: string; name: string; priority: number; managedBy: string | null };

describe('the rules API (rules as code)', () => {
  const t = useTestApp({ SERVICE_API_KEYS: `ci:${API_KEY},admin:${ADMIN_KEY}:admin` }, { start: startLifecycleApp });
  beforeEach(async () => {
    for (const rule of await listRules(t.app.db)) await deleteRule(t.app.deps, ADMIN, rule.id);
    await replaceIdentities(t.app.deps, ADMIN, 'github', {});
  });
  const links = async () =>
    Object.fromEntries((await listIdentities(t.app.db, 'github')).map((l) => [l.externalLogin, l.slackUserId]));
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    api<T>(t, method, path, { key: ADMIN_KEY, ...(body === undefined ? {} : { body }) });
  const auditOf = (type: string) =>
    query<{ actor_type: string; actor_id: string; details: Record<string, unknown> }>(
      t.database.url,
      'SELECT actor_type, actor_id, details FROM audit_events WHERE type = $1 ORDER BY id',
      [type],
    );
  const auditCount = async () =>
    Number((await query<{ n: string }>(t.database.url, 'SELECT count(*) AS n FROM audit_events'))[0]?.n);

  it('answers a request-scoped key 403 on every rules route, audited, changing nothing', async () => {
    const existing = await createRule(t.app.deps, ADMIN, ruleInput());
    const before = await auditCount();
    const calls: Array<[string, string, unknown]> = [
      ['GET', '/rules', undefined],
      ['POST', '/rules', smallRule('Sneaky')],
      ['PUT', '/rules', { rules: [] }],
      ['PATCH', `/rules/${existing.id}`, { enabled: false }],
      ['DELETE', `/rules/${existing.id}`, undefined],
    ];
    for (const [method, path, body] of calls) {
      const res = await api<ErrorBody>(t, method, path, body === undefined ? {} : { body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await listRules(t.app.db)).map((r) => [r.name, r.enabled])).toEqual([['Production databases', true]]);
    const refusals = await auditOf('access.refused');
    expect(refusals.at(-1)).toMatchObject({ actor_id: 'ci', details: { reason: 'scope', needed: 'admin' } });
    // Refusals within a minute are one row: nothing else was written.
    expect(await auditCount()).toBe(before + 1);
  });

  it('adds a rule with every field, answers and lists it as the same document, audited', async () => {
    const created = await admin<Rule>('POST', '/rules', FULL_RULE);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/rules/${created.body.id}`);
    const { id, priority, managedBy, updatedAt, ...doc } = created.body;
    expect(doc).toEqual(FULL_RULE);
    expect({ priority, managedBy, updatedAt: typeof updatedAt }).toEqual({
      priority: 1,
      managedBy: null,
      updatedAt: 'string',
    });
    const listed = await admin<{ rules: Rule[] }>('GET', '/rules');
    expect(listed.body.rules).toEqual([created.body]);
    const [stored] = await listRules(t.app.db);
    expect(stored).toMatchObject({
      id,
      actionPatterns: ['db.*', 'schema.*'],
      resourcePatterns: ['prod/**'],
      channelId: FULL_RULE.channel,
      escalation: [
        {
          afterSeconds: 600,
          approvers: FULL_RULE.escalation[0]?.approvers,
          channelId: FULL_RULE.escalation[0]?.channel,
        },
        { afterSeconds: 1200, approvers: FULL_RULE.escalation[1]?.approvers, channelId: null },
      ],
      breakGlass: { allowed: true, channelId: FULL_RULE.breakGlass.channel },
    });
    expect((await auditOf('rule.created')).at(-1)).toMatchObject({
      actor_type: 'service',
      actor_id: 'admin',
      details: { after: { name: 'Production databases', reminder: { afterSeconds: 60, repeatSeconds: 300 } } },
    });
  });

  it('refuses an invalid rule with every problem, named as in the document, and creates nothing', async () => {
    const res = await admin<ErrorBody>('POST', '/rules', {
      name: 'Broken',
      match: { actions: ['db.{a,b', 'ok.*'], time: { start: '9', end: '18:00', timeZone: 'Mars/Olympus' } },
      channel: 'general',
      approvers: [APPROVER_A],
      reminder: { afterSeconds: 5 },
      escalation: [{ afterSeconds: 30, approvers: [APPROVER_B], channel: 'nope' }],
      breakGlass: { allowed: true, chanel: 'C0APPROVAL' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.fields).toEqual(
      expect.arrayContaining([
        { path: 'channel', message: 'must be a channel' },
        { path: 'reminder.afterSeconds', message: 'must be at least 10 seconds' },
        { path: 'escalation.0.channel', message: 'must be a channel' },
        { path: 'breakGlass.chanel', message: 'is not a known field' },
      ]),
    );
    // Semantic checks follow once the shape is right, with the paths of the document.
    const semantic = await admin<ErrorBody>('POST', '/rules', {
      name: 'Broken',
      match: { actions: ['db.{a,b', 'ok.*'], time: { start: '9', end: '18:00', timeZone: 'Mars/Olympus' } },
      approvers: [APPROVER_A],
      requiredApprovals: 3,
      escalation: [
        { afterSeconds: 60, approvers: [APPROVER_B] },
        { afterSeconds: 30, approvers: [APPROVER_B] },
      ],
    });
    expect(semantic.status).toBe(400);
    expect(semantic.body.error.fields).toEqual([
      { path: 'match.actions.0', message: 'Action pattern has unbalanced brackets' },
      { path: 'match.time.start', message: 'must be a time like 09:00' },
      { path: 'match.time.timeZone', message: 'unknown time zone “Mars/Olympus”' },
      { path: 'requiredApprovals', message: 'Needs 3 approvals but the approvers are only 1 people' },
      { path: 'escalation.1.afterSeconds', message: 'Must be later than the level before it' },
    ]);
    // One person counts in one stage: a later stage needs enough people not already in an earlier one.
    const overlap = await admin<ErrorBody>('POST', '/rules', {
      name: 'Overlapping stages',
      stages: [
        { name: 'Leads', approvers: [APPROVER_A, APPROVER_B] },
        { name: 'Security', approvers: [APPROVER_A] },
      ],
    });
    expect(overlap.status).toBe(400);
    expect(overlap.body.error.fields).toEqual([
      {
        path: 'stages.1.approvers',
        message:
          'Needs 1 approvals but only 0 of its approvers are not in an earlier stage (one person counts in one stage only)',
      },
    ]);
    const single = await admin<ErrorBody>('POST', '/rules', { name: 'x', match: { actions: 7 } });
    expect(single.body.error.fields).toEqual([{ path: 'match.actions', message: 'must be a glob or a list of globs' }]);
    expect(await listRules(t.app.db)).toEqual([]);
  });

  it('patches a rule as a merge patch, checks the result whole, and audits before and after', async () => {
    const created = (await admin<Rule>('POST', '/rules', FULL_RULE)).body;
    const patched = await admin<Rule>('PATCH', `/rules/${created.id}`, {
      reminder: { afterSeconds: 120 },
      match: { minRisk: null },
      needsInfo: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.reminder).toEqual({ afterSeconds: 120, repeatSeconds: 300 });
    expect(patched.body.match).toEqual({ ...FULL_RULE.match, minRisk: undefined });
    expect(patched.body).not.toHaveProperty('needsInfo');
    expect(patched.body.stages).toEqual(FULL_RULE.stages);
    expect((await auditOf('rule.updated')).at(-1)?.details).toMatchObject({
      before: { reminder: { afterSeconds: 60 }, minRisk: 'high', needsInfo: { extendSeconds: 900 } },
      after: { reminder: { afterSeconds: 120 }, minRisk: null, needsInfo: null },
    });

    const bad = await admin<ErrorBody>('PATCH', `/rules/${created.id}`, { reminder: { repeatSeconds: 1 }, name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([
      { path: 'name', message: 'is required' },
      { path: 'reminder.repeatSeconds', message: 'must be at least 10 seconds' },
    ]);
    expect((await admin<{ rules: Rule[] }>('GET', '/rules')).body.rules[0]?.reminder).toEqual({
      afterSeconds: 120,
      repeatSeconds: 300,
    });
    const moved = await admin<ErrorBody>('PATCH', `/rules/${created.id}`, { priority: 4 });
    expect(moved.body.error.fields?.[0]?.path).toBe('priority');
    const missing = await admin<ErrorBody>('PATCH', '/rules/00000000-0000-4000-8000-000000000000', { enabled: false });
    expect(missing.status).toBe(404);
  });

  it('deletes a rule (204), audited with what it was', async () => {
    const created = (await admin<Rule>('POST', '/rules', smallRule('Temporary'))).body;
    const res = await admin('DELETE', `/rules/${created.id}`);
    expect(res.status).toBe(204);
    expect(await listRules(t.app.db)).toEqual([]);
    expect((await auditOf('rule.deleted')).at(-1)).toMatchObject({
      actor_id: 'admin',
      details: { before: { name: 'Temporary' }, after: null },
    });
    expect((await admin('DELETE', `/rules/${created.id}`)).status).toBe(404);
  });

  it('replaces the whole set: a dry run answers the diff and changes nothing, applying does it all, audited', async () => {
    const kept = await createRule(t.app.deps, ADMIN, ruleInput({ name: 'Kept', actionPatterns: ['iam.*'] }));
    await createRule(t.app.deps, ADMIN, ruleInput({ name: 'Gone' }));
    const list = [smallRule('Added', 'k8s.*'), { ...smallRule('Kept', 'iam.*'), requireReason: true }];

    const auditsBefore = await auditCount();
    const dry = await admin<{ dryRun: boolean; applied: boolean; diff: Record<string, unknown[]> }>(
      'PUT',
      '/rules?dryRun=true',
      { rules: list },
    );
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, applied: false });
    expect(dry.body.diff.added).toEqual([{ name: 'Added', priority: 1 }]);
    expect(dry.body.diff.removed).toEqual([expect.objectContaining({ name: 'Gone', priority: 2 })]);
    expect(dry.body.diff.unchanged).toEqual([]);
    expect(dry.body.diff.changed).toEqual([
      {
        id: kept.id,
        name: 'Kept',
        priority: 2,
        changes: expect.arrayContaining([
          { field: 'priority', before: 1, after: 2 },
          { field: 'channel', before: kept.channelId, after: null },
          { field: 'requireReason', before: false, after: true },
          { field: 'managedBy', before: null, after: 'file' },
        ]),
      },
    ]);
    expect((await listRules(t.app.db)).map((r) => r.name)).toEqual(['Kept', 'Gone']);
    expect(await auditCount()).toBe(auditsBefore);

    const applied = await admin<{ applied: boolean; rules: Rule[] }>('PUT', '/rules', { rules: list });
    expect(applied.status).toBe(200);
    expect(applied.body.applied).toBe(true);
    const rules = await listRules(t.app.db);
    expect(rules.map((r) => [r.name, r.priority, r.managedBy, r.requireReason])).toEqual([
      ['Added', 1, 'file', false],
      ['Kept', 2, 'file', true],
    ]);
    expect(rules[1]?.id).toBe(kept.id);
    expect(applied.body.rules.map((r) => [r.name, r.managedBy])).toEqual([
      ['Added', 'file'],
      ['Kept', 'file'],
    ]);
    expect((await auditOf('rule.deleted')).at(-1)?.details).toMatchObject({ before: { name: 'Gone' }, after: null });
    expect((await auditOf('rule.updated')).at(-1)?.details).toMatchObject({
      before: { name: 'Kept', requireReason: false, managedBy: null },
      after: { name: 'Kept', requireReason: true, managedBy: 'file' },
    });
    expect((await auditOf('rules.applied')).at(-1)).toMatchObject({
      actor_id: 'admin',
      details: { via: 'api', added: ['Added'], changed: ['Kept'], removed: ['Gone'], unchanged: 0 },
    });

    const again = await admin<{ diff: Record<string, unknown[]> }>('PUT', '/rules', { rules: list });
    expect(again.body.diff).toMatchObject({ added: [], changed: [], removed: [] });
    expect(again.body.diff.unchanged).toHaveLength(2);
  });

  it('refuses a list with any problem, rules and identities together, naming each by its path, and applies none of it', async () => {
    await createRule(t.app.deps, ADMIN, ruleInput({ name: 'Existing' }));
    await setIdentity(t.app.deps, ADMIN, 'github', 'hubot', APPROVER_B);
    const before = await listRules(t.app.db);
    const appliedBefore = (await auditOf('rules.applied')).length;
    const res = await admin<ErrorBody>('PUT', '/rules', {
      rules: [
        smallRule('Fine'),
        { ...smallRule('Slow'), reminder: { afterSeconds: 5 } },
        { ...smallRule('Fine'), match: { actions: ['db.{'] } },
        { ...smallRule('Fine') },
        { name: 'Typo', approvers: [APPROVER_A], reminders: { afterSeconds: 60 } },
      ],
      identities: {
        github: { octocat: 'not-a-user', 'octo cat': APPROVER_A, Mona: APPROVER_A, mona: APPROVER_B },
        gitlab: { someone: APPROVER_A },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([
      { path: 'rules[1].reminder.afterSeconds', message: 'must be at least 10 seconds' },
      { path: 'rules[2].match.actions.0', message: 'Action pattern has unbalanced brackets' },
      { path: 'rules[3].name', message: 'rules[0] is already called “Fine”: names must be unique' },
      { path: 'rules[4].reminders', message: 'is not a known field' },
      { path: 'identities.github.octocat', message: 'must be a Slack user id (U…/W…)' },
      { path: 'identities.github.octo cat', message: 'is not a GitHub login' },
      { path: 'identities.github.mona', message: 'is listed twice (also as Mona)' },
      { path: 'identities.gitlab', message: 'is not a supported provider (github)' },
    ]);
    // Good rules with one bad link: the rules are not applied either.
    const oneBad = await admin<ErrorBody>('PUT', '/rules', {
      rules: [smallRule('Fine')],
      identities: { github: { octocat: APPROVER_A, '-bad-': APPROVER_B } },
    });
    expect(oneBad.status).toBe(400);
    expect(oneBad.body.error.fields).toEqual([{ path: 'identities.github.-bad-', message: 'is not a GitHub login' }]);
    const shape = await admin<ErrorBody>('PUT', '/rules', { rules: [], identities: { github: ['octocat'] } });
    expect(shape.body.error.fields).toEqual([
      { path: 'identities.github', message: 'must map logins to Slack user ids, e.g. octocat: U0123ABCD' },
    ]);
    expect(await listRules(t.app.db)).toEqual(before);
    expect(await links()).toEqual({ hubot: APPROVER_B });
    expect(await auditOf('rules.applied')).toHaveLength(appliedBefore);
    expect(await auditOf('identity.replaced')).toHaveLength(0);
  });

  it('orders the list by priority when given', async () => {
    const res = await admin<{ rules: Rule[] }>('PUT', '/rules', {
      rules: [
        { ...smallRule('Second'), priority: 2 },
        { ...smallRule('First'), priority: 1 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.rules.map((r) => [r.name, r.priority])).toEqual([
      ['First', 1],
      ['Second', 2],
    ]);
  });

  it('applies a file’s rules and identities together; GET answers the same document back', async () => {
    const file = parse(FULL_RULES_YAML) as { rules: unknown[]; identities: Record<string, unknown> };
    const applied = await admin<{ applied: boolean; diff: Record<string, unknown>; identities: unknown }>(
      'PUT',
      '/rules',
      { ...file, identities: { github: { octocat: APPROVER_A, 'Hubot-2': APPROVER_B } } },
    );
    expect(applied.status).toBe(200);
    expect(applied.body.diff.identities).toEqual({
      github: {
        added: [
          { login: 'octocat', slackUserId: APPROVER_A },
          { login: 'hubot-2', slackUserId: APPROVER_B },
        ],
        changed: [],
        removed: [],
        unchanged: 0,
      },
    });
    expect(applied.body.identities).toEqual({ github: { 'hubot-2': APPROVER_B, octocat: APPROVER_A } });
    expect((await auditOf('identity.replaced')).at(-1)).toMatchObject({
      actor_type: 'service',
      actor_id: 'admin',
      details: { via: 'api', client: 'admin', provider: 'github', added: ['octocat', 'hubot-2'], removed: [] },
    });

    await admin('PUT', '/rules', file);
    const listed = await admin<{ rules: Rule[]; identities: unknown }>('GET', '/rules');
    const rules = listed.body.rules.map(({ id: _i, priority: _p, managedBy: _m, updatedAt: _u, ...doc }) => doc);
    expect({ rules, identities: listed.body.identities }).toEqual(file);

    // No `identities` key: the links are left alone. An empty section unlinks everyone.
    const untouched = await admin<{ diff: Record<string, unknown> }>('PUT', '/rules', { rules: file.rules });
    expect(untouched.body.diff).not.toHaveProperty('identities');
    expect(await links()).toEqual({ octocat: APPROVER_A });
    await admin('PUT', '/rules', { rules: file.rules, identities: {} });
    expect(await links()).toEqual({});
    expect((await admin<{ identities: unknown }>('GET', '/rules')).body.identities).toEqual({ github: {} });
  });

  it('a dry run answers the identity diff (added, changed, removed) and changes nothing', async () => {
    await setIdentity(t.app.deps, ADMIN, 'github', 'octocat', APPROVER_A);
    await setIdentity(t.app.deps, ADMIN, 'github', 'hubot', APPROVER_B);
    await setIdentity(t.app.deps, ADMIN, 'github', 'same', APPROVER_B);
    const auditsBefore = await auditCount();
    const body = {
      rules: [smallRule('Only')],
      identities: { github: { OctoCat: APPROVER_B, mona: APPROVER_A, same: APPROVER_B } },
    };
    const dry = await admin<{ applied: boolean; diff: Record<string, unknown> }>('PUT', '/rules?dryRun=true', body);
    expect(dry.status).toBe(200);
    expect(dry.body.applied).toBe(false);
    expect(dry.body.diff.identities).toEqual({
      github: {
        added: [{ login: 'mona', slackUserId: APPROVER_A }],
        changed: [{ login: 'octocat', before: APPROVER_A, after: APPROVER_B }],
        removed: [{ login: 'hubot', slackUserId: APPROVER_B }],
        unchanged: 1,
      },
    });
    expect(dry.body.diff.added).toEqual([{ name: 'Only', priority: 1 }]);
    expect(await links()).toEqual({ hubot: APPROVER_B, octocat: APPROVER_A, same: APPROVER_B });
    expect(await listRules(t.app.db)).toEqual([]);
    expect(await auditCount()).toBe(auditsBefore);

    const applied = await admin<{ diff: Record<string, unknown> }>('PUT', '/rules', body);
    expect(applied.body.diff.identities).toEqual(dry.body.diff.identities);
    expect(await links()).toEqual({ mona: APPROVER_A, octocat: APPROVER_B, same: APPROVER_B });
    expect((await auditOf('identity.replaced')).at(-1)?.details).toMatchObject({
      added: ['mona'],
      changed: ['octocat'],
      removed: ['hubot'],
    });
  });
});
