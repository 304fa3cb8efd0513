import { describe, expect, it } from 'vitest';
import { globProblem } from '../../../src/domain/glob.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import { loadStartupFacts } from '../../../src/services/startup-facts.ts';
import { CHANNEL, startLifecycleApp } from '../../support/lifecycle.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/** Rules stored before globs moved to their own engine may hold syntax refused today: startup names them. */
describe('the startup facts', () => {
  const t = useTestApp({}, { start: startLifecycleApp });

  it('name each enabled rule whose stored glob can no longer match, and not a disabled one', async () => {
    const admin = { type: 'user', id: 'U0ADMIN001' } as const;
    const legacy = await createRule(t.app.deps, admin, ruleInput({ name: 'Legacy', channelId: CHANNEL }));
    const off = await createRule(t.app.deps, admin, ruleInput({ name: 'Off', enabled: false, channelId: CHANNEL }));
    await createRule(t.app.deps, admin, ruleInput({ name: 'Fine', channelId: CHANNEL }));
    // Written as an older version accepted them; the rule check refuses both today.
    await t.app.db.routingRule.update({ where: { id: legacy.id }, data: { actionPatterns: ['@(db|schema).*'] } });
    await t.app.db.routingRule.update({ where: { id: off.id }, data: { resourcePatterns: ['!(prod)/**'] } });

    const facts = await loadStartupFacts(t.app.db);
    expect(facts.enabledRules).toBe(2);
    expect(facts.unmatchableRules).toEqual([
      { name: 'Legacy', pattern: '@(db|schema).*', problem: globProblem('@(db|schema).*') },
    ]);
  });
});
