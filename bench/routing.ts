/**
 * `npx tsx bench/routing.ts`: what rule matching costs per routed request with the largest rule set
 * the admin API accepts (500 rules × 20 action globs + 20 resource globs), through the code routing
 * runs (matchRules with the per-version compiled globs of services/routing/rule-matchers.ts), beside
 * what the same globs cost through picomatch as routing used it before (recompiled every request);
 * and the worst glob the rule schema accepts against the longest resource a request may carry.
 * Pure CPU: no database, Redis or Slack. Prints a table and a JSON line; it asserts nothing.
 */
import { LRUCache } from 'lru-cache';
import picomatch from 'picomatch';
import { compileGlob, MAX_GLOB_LENGTH } from '../src/domain/glob.ts';
import { matchRules, type PolicyInput, type RuleLike } from '../src/domain/policy.ts';
import { type CompiledRule, cachedMatchers } from '../src/services/routing/rule-matchers.ts';

const RULES = 500;
const GLOBS = 20;
const MAX_RESOURCE = 500;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Plausible globs, star-heavy on purpose (each `*` is where a backtracking matcher branches). */
const rules: Array<RuleLike & { updatedAt: Date }> = Array.from({ length: RULES }, (_, i) => ({
  id: `rule-${i}`,
  name: `rule ${i}`,
  priority: i + 1,
  enabled: true,
  actionPatterns: Array.from({ length: GLOBS }, (_, j) => (j % 2 === 0 ? `svc${i}-${j}.*` : `*.*-${i}-${j}`)),
  resourcePatterns: Array.from({ length: GLOBS }, (_, j) =>
    j % 2 === 0 ? `prod/team-${i}/**/*-${j}` : `*-*-*-*-*-prod-${i}-${j}`,
  ),
  environments: [],
  minRisk: null,
  timeCondition: null,
  updatedAt: new Date(0),
}));

/**
 * Requests no rule matches, so every rule is evaluated (the worst case for a routed request). Few
 * dashes: against a run of dashes picomatch's `*-*-*-*-*-…` backtracks for seconds per glob, and the
 * "before" figure is meant to be the ordinary cost, not the attack's.
 */
function input(n: number): PolicyInput {
  return {
    action: `deploy.release-${n}`,
    resource: `prod/eu-west-db-${n}-blue-green-${'x'.repeat(20)}`,
    environment: 'production',
    risk: 'high',
    at: new Date(),
  };
}

const cache = new LRUCache<string, CompiledRule>({ max: 1000 });
const matchersOf = cachedMatchers<(typeof rules)[number]>(cache);
const firstStarted = performance.now();
matchRules(rules, input(0), matchersOf, false);
const firstMs = performance.now() - firstStarted;

const compiled: number[] = [];
for (let n = 1; n <= 200; n++) {
  const started = performance.now();
  const { match } = matchRules(rules, input(n), matchersOf, false);
  compiled.push(performance.now() - started);
  if (match !== null) throw new Error('the bench input must match no rule');
}

// Before: picomatch.isMatch per rule and request, as policy.ts did (it compiles on every call).
const OPTIONS = { nocase: true, dot: true } as const;
const before: number[] = [];
for (let n = 1; n <= 3; n++) {
  const { action, resource } = input(n);
  const started = performance.now();
  for (const rule of rules) {
    picomatch.isMatch(action, rule.actionPatterns, OPTIONS);
    picomatch.isMatch(resource, rule.resourcePatterns, OPTIONS);
  }
  before.push(performance.now() - started);
}

// The worst glob the schema accepts: as many stars as its length allows, each before the literal the
// input is made of, and one literal the input lacks, with a star after it so the literal end cannot
// refuse the input at once. Cold: the first match builds the automaton's states; warm: reusing them.
const worstGlob = `${'*a'.repeat((MAX_GLOB_LENGTH - 3) / 2)}*b*`;
const longest = 'a'.repeat(MAX_RESOURCE);
const cold: number[] = [];
const worstTimes: number[] = [];
for (let n = 0; n < 50; n++) {
  const worst = compileGlob(worstGlob);
  let started = performance.now();
  worst.test(longest);
  cold.push(performance.now() - started);
  started = performance.now();
  worst.test(longest);
  worstTimes.push(performance.now() - started);
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const result = {
  rules: RULES,
  globsPerRule: 2 * GLOBS,
  firstRequestMs: round(firstMs),
  routeP50Ms: round(percentile(compiled, 50)),
  routeP99Ms: round(percentile(compiled, 99)),
  picomatchBeforeP50Ms: round(percentile(before, 50)),
  worstGlobLength: worstGlob.length,
  worstColdP50Ms: round(percentile(cold, 50)),
  worstColdMaxMs: round(Math.max(...cold)),
  worstWarmP50Ms: round(percentile(worstTimes, 50)),
};
console.log(`rule matching, ${RULES} rules × ${GLOBS} action + ${GLOBS} resource globs, no rule matching`);
console.log(`  first request (compiles every glob)     ${result.firstRequestMs} ms`);
console.log(`  per route call, compiled, p50 / p99      ${result.routeP50Ms} / ${result.routeP99Ms} ms`);
console.log(`  per route call, picomatch (before), p50  ${result.picomatchBeforeP50Ms} ms`);
console.log(`worst accepted glob (${worstGlob.length} chars) × ${MAX_RESOURCE}-char resource`);
console.log(`  first match (builds the automaton), p50 / max   ${result.worstColdP50Ms} / ${result.worstColdMaxMs} ms`);
console.log(`  later matches, p50                              ${result.worstWarmP50Ms} ms`);
console.log(JSON.stringify(result));
