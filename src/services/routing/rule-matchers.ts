import type { LRUCache } from 'lru-cache';
import { compileRuleMatchers, type MatchersOf, type RuleLike, type RuleMatchers } from '../../domain/policy.ts';

/** A rule version's compiled globs, with the patterns they were compiled from. */
export interface CompiledRule {
  actionPatterns: readonly string[];
  resourcePatterns: readonly string[];
  matchers: RuleMatchers;
}

/** A rule as stored: its `updatedAt` moves on every edit. */
type Versioned = RuleLike & { updatedAt: Date };

function samePatterns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((pattern, index) => pattern === b[index]);
}

/**
 * Compiled globs per rule version (id and `updatedAt`): the rules cache reloads rows every two
 * seconds, but a rule's globs compile once until it is edited. Each row object also remembers its
 * matchers, so a request routed from the cached list only does a WeakMap lookup per rule. The
 * patterns are compared too: two edits in one millisecond share an `updatedAt`.
 */
export function cachedMatchers<R extends Versioned>(cache: LRUCache<string, CompiledRule>): MatchersOf<R> {
  return (rule) => {
    const known = byRow.get(rule);
    if (known !== undefined) return known;
    const key = `${rule.id}@${rule.updatedAt.getTime()}`;
    let compiled = cache.get(key);
    if (
      compiled === undefined ||
      !samePatterns(compiled.actionPatterns, rule.actionPatterns) ||
      !samePatterns(compiled.resourcePatterns, rule.resourcePatterns)
    ) {
      compiled = {
        actionPatterns: [...rule.actionPatterns],
        resourcePatterns: [...rule.resourcePatterns],
        matchers: compileRuleMatchers(rule),
      };
      cache.set(key, compiled);
    }
    byRow.set(rule, compiled.matchers);
    return compiled.matchers;
  };
}

/** Matchers by row object: rows are not mutated once read, and the map lets them go with the rows. */
const byRow = new WeakMap<object, RuleMatchers>();
