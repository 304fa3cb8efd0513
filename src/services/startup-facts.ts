import { globProblem } from '../domain/glob.ts';
import type { Db } from '../platform/db.ts';

/** An enabled rule stored with a glob the rule check refuses today: it can never match. */
export interface UnmatchableRule {
  name: string;
  pattern: string;
  problem: string;
}

/**
 * What the startup summary reads from PostgreSQL: how many routing rules are enabled, the names of
 * the API clients whose keys are not revoked (never a key or its hash), and the enabled rules that
 * can never match because a glob of theirs is refused since matching moved to its own engine
 * (extglobs, `!` negation, `{1..3}` ranges were accepted before, never documented, and now never match).
 */
export async function loadStartupFacts(
  db: Db,
): Promise<{ enabledRules: number; apiClients: string[]; unmatchableRules: UnmatchableRule[] }> {
  const [rules, clients] = await Promise.all([
    db.routingRule.findMany({
      where: { enabled: true },
      select: { name: true, actionPatterns: true, resourcePatterns: true },
      orderBy: { priority: 'asc' },
    }),
    db.apiClient.findMany({ where: { revokedAt: null }, select: { name: true }, orderBy: { name: 'asc' } }),
  ]);
  const unmatchableRules = rules.flatMap((rule) =>
    [...rule.actionPatterns, ...rule.resourcePatterns].flatMap((pattern) => {
      const problem = globProblem(pattern);
      return problem === null ? [] : [{ name: rule.name, pattern, problem }];
    }),
  );
  return { enabledRules: rules.length, apiClients: clients.map((client) => client.name), unmatchableRules };
}
