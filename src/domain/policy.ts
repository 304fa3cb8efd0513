import { type CompiledGlob, compileGlob } from './glob.ts';
import { hintsLine, hintsMatch, type McpHints, valueAt } from './mcp-hints.ts';
import { RISKS, type Risk } from './request-status.ts';

export { globProblem } from './glob.ts';

/** Local-time window: "inside" or "outside" `start`–`end` on `days` (1 = Monday … 7 = Sunday) in `timeZone`. */
export interface TimeCondition {
  mode: 'inside' | 'outside';
  days: number[];
  start: string;
  end: string;
  timeZone: string;
}

export interface RuleLike {
  id: string;
  name: string;
  priority: number;
  enabled: boolean;
  /** Globs: the condition holds when any one matches. */
  actionPatterns: string[];
  resourcePatterns: string[];
  environments: string[];
  minRisk: Risk | null;
  timeCondition: TimeCondition | null;
  /** MCP tool hints the call's tool must have (missing ones take the specification's defaults); null: any request. */
  annotations?: McpHints | null | undefined;
  /** An argument path (`arguments.repo`) whose value is the resource this rule matches and routes with. */
  resourceFrom?: string | null | undefined;
}

export interface PolicyInput {
  action: string;
  resource: string;
  environment: string | null;
  risk: Risk;
  at: Date;
  /** The MCP tool call the request stands for: its tool's hints, and its arguments when sent. */
  mcp?: { annotations: McpHints; arguments?: Record<string, unknown> | undefined } | null | undefined;
}

/**
 * The resource a rule sees: the value at its `resourceFrom` path in the call's arguments, when the
 * request carries arguments and the path holds a scalar; else the request's own resource.
 */
export function resourceFor(rule: Pick<RuleLike, 'resourceFrom'>, input: PolicyInput): string {
  const args = input.mcp?.arguments;
  if (!rule.resourceFrom || args === undefined) return input.resource;
  return valueAt(args, rule.resourceFrom) ?? input.resource;
}

export interface RuleVerdict<R extends RuleLike> {
  rule: R;
  matched: boolean;
  /** One line per condition, saying whether it held and why. */
  reasons: string[];
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A rule's globs, compiled: built once per rule version (see services/routing/rule-matchers.ts). */
export interface RuleMatchers {
  actions: CompiledGlob[];
  resources: CompiledGlob[];
}

/**
 * Compiles a rule's globs. A glob stored before validation refused its syntax (an extglob, say)
 * compiles to one that matches nothing: the rule then never matches, as if disabled, rather than
 * the request failing.
 */
export function compileRuleMatchers(rule: Pick<RuleLike, 'actionPatterns' | 'resourcePatterns'>): RuleMatchers {
  return { actions: rule.actionPatterns.map(compileOrNever), resources: rule.resourcePatterns.map(compileOrNever) };
}

const NEVER: CompiledGlob = { source: '', test: () => false, testLowerCase: () => false };

function compileOrNever(pattern: string): CompiledGlob {
  try {
    return compileGlob(pattern);
  } catch {
    return { ...NEVER, source: pattern };
  }
}

/** How a caller finds a rule's compiled globs; the default compiles them afresh (pure code and tests). */
export type MatchersOf<R extends RuleLike> = (rule: R) => RuleMatchers;

/** Whether a name is an IANA time zone this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.trim() !== '';
  } catch {
    return false;
  }
}

export function timeConditionProblems(
  condition: TimeCondition,
): Array<{ field: 'days' | 'start' | 'end' | 'timeZone'; message: string }> {
  const problems: Array<{ field: 'days' | 'start' | 'end' | 'timeZone'; message: string }> = [];
  if (condition.days.length === 0 || condition.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    problems.push({ field: 'days', message: 'pick at least one weekday' });
  }
  if (!HHMM.test(condition.start)) problems.push({ field: 'start', message: 'must be a time like 09:00' });
  if (!HHMM.test(condition.end)) problems.push({ field: 'end', message: 'must be a time like 18:00' });
  if (HHMM.test(condition.start) && condition.start === condition.end) {
    problems.push({ field: 'end', message: 'must differ from the start' });
  }
  if (!isTimeZone(condition.timeZone))
    problems.push({ field: 'timeZone', message: `unknown time zone “${condition.timeZone}”` });
  return problems;
}

/** Weekday (1 = Monday) and minutes since midnight of `at` on the wall clock of `timeZone` (DST included). */
export function localTime(at: Date, timeZone: string): { day: number; minutes: number; label: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const day = WEEKDAYS.indexOf(parts.weekday as string) + 1;
  const minutes = Number(parts.hour) * 60 + Number(parts.minute);
  return { day, minutes, label: `${parts.weekday} ${parts.hour}:${parts.minute} ${timeZone}` };
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * Whether `at` falls inside the window. A window whose end is before its start runs across
 * midnight (22:00–06:00), and belongs to the day it starts on: Friday 22:00–06:00 covers Saturday 03:00.
 */
export function insideWindow(condition: TimeCondition, at: Date): boolean {
  const { day, minutes } = localTime(at, condition.timeZone);
  const start = toMinutes(condition.start);
  const end = toMinutes(condition.end);
  if (start < end) return condition.days.includes(day) && minutes >= start && minutes < end;
  const previous = day === 1 ? 7 : day - 1;
  return (condition.days.includes(day) && minutes >= start) || (condition.days.includes(previous) && minutes < end);
}

export function describeTimeCondition(condition: TimeCondition): string {
  const days = [...condition.days]
    .sort()
    .map((d) => WEEKDAYS[d - 1])
    .join(',');
  return `${condition.mode} ${condition.start}–${condition.end} ${days} ${condition.timeZone}`;
}

/** A list of globs as one phrase: `db.*` or `db.* or schema.*`. */
export function describePatterns(patterns: readonly string[]): string {
  return patterns.join(' or ');
}

/**
 * Evaluates one rule against a request, with a reason per condition. A disabled rule is not
 * evaluated at all: its globs are neither compiled nor run, so no request can make it cost anything.
 * Without `explain` (routing, which only needs the verdict) no reason is written and evaluation stops
 * at the first condition that fails: the reasons name every glob, and 500 rules' worth per request
 * cost more than the matching.
 */
export function evaluateRule<R extends RuleLike>(
  rule: R,
  input: PolicyInput,
  matchersOf: MatchersOf<R> = compileRuleMatchers,
  explain = true,
): RuleVerdict<R> {
  if (!rule.enabled) return { rule, matched: false, reasons: ['rule is disabled'] };
  const matchers = matchersOf(rule);
  const reasons: string[] = [];
  let matched = true;
  /** Records a condition; false when evaluation may stop (it failed and nobody reads the reasons). */
  const check = (ok: boolean, yes: () => string, no: () => string): boolean => {
    if (explain) reasons.push(ok ? `✓ ${yes()}` : `✗ ${no()}`);
    if (!ok) matched = false;
    return ok || explain;
  };
  const verdict = () => ({ rule, matched, reasons });
  /** The input once lower-cased (the globs are case-insensitive), against every glob of the condition. */
  const globs = (what: string, value: string, compiled: readonly CompiledGlob[], patterns: readonly string[]) => {
    const lowered = value.toLowerCase();
    return check(
      compiled.some((glob) => glob.testLowerCase(lowered)),
      () => `${what} ${value} matches ${describePatterns(patterns)}`,
      () => `${what} ${value} does not match ${describePatterns(patterns)}`,
    );
  };
  if (!globs('action', input.action, matchers.actions, rule.actionPatterns)) return verdict();
  if (!globs('resource', resourceFor(rule, input), matchers.resources, rule.resourcePatterns)) return verdict();
  if (rule.environments.length > 0) {
    const env = input.environment ?? '';
    const ok = rule.environments.some((e) => e.toLowerCase() === env.toLowerCase());
    const listed = () => rule.environments.join(', ');
    if (
      !check(
        ok,
        () => `environment ${env} is one of ${listed()}`,
        () => `environment ${env || '(none)'} is not one of ${listed()}`,
      )
    ) {
      return verdict();
    }
  }
  if (rule.minRisk !== null) {
    const minRisk = rule.minRisk;
    const ok = RISKS.indexOf(input.risk) >= RISKS.indexOf(minRisk);
    if (
      !check(
        ok,
        () => `risk ${input.risk} ≥ ${minRisk}`,
        () => `risk ${input.risk} < ${minRisk}`,
      )
    )
      return verdict();
  }
  if (rule.annotations) {
    const wanted = rule.annotations;
    const declared = input.mcp?.annotations;
    const ok = declared !== undefined && hintsMatch(wanted, declared);
    const want = () => hintsLine(wanted) ?? '(none)';
    if (
      !check(
        ok,
        () => `tool hints ${hintsLine(declared ?? {}) ?? '(none declared)'} give ${want()}`,
        () =>
          declared === undefined
            ? `not an MCP tool call, so not ${want()}`
            : `tool hints ${hintsLine(declared) ?? '(none declared)'} do not give ${want()}`,
      )
    )
      return verdict();
  }
  if (rule.timeCondition !== null) {
    const condition = rule.timeCondition;
    const inside = insideWindow(condition, input.at);
    const ok = condition.mode === 'inside' ? inside : !inside;
    const local = () => localTime(input.at, condition.timeZone).label;
    check(
      ok,
      () => `${local()} is ${describeTimeCondition(condition)}`,
      () => `${local()} is not ${describeTimeCondition(condition)}`,
    );
  }
  return verdict();
}

/**
 * First enabled rule (by ascending priority) that matches, with every rule's verdict up to it.
 * `matchersOf` gives each rule's compiled globs; routing passes one that reuses them per rule version,
 * and no `explain` (see {@link evaluateRule}).
 */
export function matchRules<R extends RuleLike>(
  rules: readonly R[],
  input: PolicyInput,
  matchersOf: MatchersOf<R> = compileRuleMatchers,
  explain = true,
): { match: R | null; verdicts: RuleVerdict<R>[] } {
  const verdicts: RuleVerdict<R>[] = [];
  for (const rule of [...rules].sort((a, b) => a.priority - b.priority)) {
    const verdict = evaluateRule(rule, input, matchersOf, explain);
    verdicts.push(verdict);
    if (verdict.matched) return { match: rule, verdicts };
  }
  return { match: null, verdicts };
}
