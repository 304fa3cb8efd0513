import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { globCompilations } from '../../../src/domain/glob.ts';
import { simulateRoute } from '../../../src/services/routing/route.ts';
import { createRule, deleteRule, listRules, updateRule } from '../../../src/services/routing/rules-store.ts';
import { type ApiRequest, api, createViaApi, startLifecycleApp, VALID_BODY } from '../../support/lifecycle.ts';
import { DBA_CHANNEL, ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };

/** Issue 21, item 1: routing globs through the running app — the API, the simulator, rule edits. */
describe('routing globs in the running service', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  beforeAll(() => {
    t.slack.addChannel(DBA_CHANNEL);
  });
  beforeEach(async () => {
    for (const rule of await listRules(t.app.db)) await deleteRule(t.app.deps, ADMIN, rule.id);
  });
  const routedBy = async (id: string) =>
    (await api<ApiRequest & { route: { rule: { name: string } | null } }>(t, 'GET', `/requests/${id}`)).body.route.rule
      ?.name ?? null;

  it('compiles a rule’s globs once per version: not again per request or cache reload, again after an edit', async () => {
    const rule = await createRule(
      t.app.deps,
      ADMIN,
      ruleInput({ actionPatterns: ['db.*', 'schema.*'], resourcePatterns: ['prod/**', 'eu-*/customers', '{a,b}/x'] }),
    );
    const before = globCompilations();
    expect(await routedBy((await createViaApi(t)).id)).toBe('Production databases');
    expect(globCompilations() - before).toBe(5);

    // More requests, the 2-second rules cache reloading in between, and the App Home simulator.
    for (let i = 0; i < 3; i++) {
      t.app.deps.caches.rules.clear();
      expect(await routedBy((await createViaApi(t)).id)).toBe('Production databases');
    }
    const simulated = await simulateRoute(t.app.deps, {
      action: 'db.drop_table',
      resource: 'prod/customers',
      environment: 'production',
      risk: 'high',
      at: new Date(),
    });
    expect(simulated.match?.name).toBe('Production databases');
    expect(globCompilations() - before).toBe(5);

    // An edit is a new version: its globs compile (once) and take effect at once.
    await updateRule(
      t.app.deps,
      ADMIN,
      rule.id,
      ruleInput({ actionPatterns: ['iam.*'], resourcePatterns: ['prod/**'] }),
    );
    expect(await routedBy((await createViaApi(t)).id)).toBeNull();
    expect(await routedBy((await createViaApi(t, { action: 'iam.grant' })).id)).toBe('Production databases');
    expect(globCompilations() - before).toBe(7);
  });

  it('a disabled rule with a catastrophic glob, and a plausible glob against a long resource, stall nothing', async () => {
    await createRule(
      t.app.deps,
      ADMIN,
      ruleInput({ name: 'Trap', enabled: false, resourcePatterns: ['*a*a*a*a*a*a*a*a*a*a*a*a*b'] }),
    );
    await createRule(t.app.deps, ADMIN, ruleInput({ name: 'Prod dashes', resourcePatterns: ['*-*-*-*-*-prod'] }));
    const before = globCompilations();
    // Before the fix the first request froze the process for over a minute and the second for 6 s.
    const started = Date.now();
    for (const resource of ['a'.repeat(60), 'a'.repeat(500), '-'.repeat(250), '-'.repeat(500)]) {
      const request = await createViaApi(t, { resource, requester: VALID_BODY.requester });
      expect(await routedBy(request.id)).toBeNull();
      expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    }
    // Four requests with their reads, on a loaded 2-core machine; the old matcher needed minutes.
    expect(Date.now() - started).toBeLessThan(10_000);
    // Only the enabled rule's globs were ever compiled: the disabled one is not evaluated at all.
    expect(globCompilations() - before).toBe(2);
    expect(await routedBy((await createViaApi(t, { resource: 'eu-west-db-1-blue-prod' })).id)).toBe('Prod dashes');
  });
});
