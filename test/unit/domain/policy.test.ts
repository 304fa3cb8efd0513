import { describe, expect, it } from 'vitest';
import { globCompilations } from '../../../src/domain/glob.ts';
import {
  evaluateRule,
  globProblem,
  insideWindow,
  isTimeZone,
  localTime,
  matchRules,
  type RuleLike,
  resourceFor,
  type TimeCondition,
  timeConditionProblems,
} from '../../../src/domain/policy.ts';
import { fastestOf } from '../../support/timing.ts';

function rule(overrides: Partial<RuleLike> = {}): RuleLike {
  return {
    id: 'r1',
    name: 'rule',
    priority: 1,
    enabled: true,
    actionPatterns: ['*'],
    resourcePatterns: ['**'],
    environments: [],
    minRisk: null,
    timeCondition: null,
    ...overrides,
  };
}
const input = {
  action: 'db.drop_table',
  resource: 'prod/customers',
  environment: 'production',
  risk: 'high' as const,
  at: new Date('2026-11-23T10:00:00Z'),
};
const BERLIN_OFFICE: TimeCondition = {
  mode: 'outside',
  days: [1, 2, 3, 4, 5],
  start: '09:00',
  end: '18:00',
  timeZone: 'Europe/Berlin',
};

describe('globs', () => {
  it('match actions within a segment and resources across segments', () => {
    expect(evaluateRule(rule({ actionPatterns: ['db.*'] }), input).matched).toBe(true);
    expect(evaluateRule(rule({ actionPatterns: ['deploy.*'] }), input).matched).toBe(false);
    expect(evaluateRule(rule({ resourcePatterns: ['prod/**'] }), input).matched).toBe(true);
    expect(
      evaluateRule(rule({ resourcePatterns: ['prod/**'] }), { ...input, resource: 'prod/eu/customers' }).matched,
    ).toBe(true);
    expect(
      evaluateRule(rule({ resourcePatterns: ['prod/*'] }), { ...input, resource: 'prod/eu/customers' }).matched,
    ).toBe(false);
    expect(evaluateRule(rule({ resourcePatterns: ['staging/**'] }), input).matched).toBe(false);
    expect(evaluateRule(rule({ actionPatterns: ['{db,iam}.*'] }), { ...input, action: 'iam.grant' }).matched).toBe(
      true,
    );
  });

  it('match when any one of several globs matches, and say which were tried', () => {
    const several = rule({ actionPatterns: ['deploy.*', 'db.*'], resourcePatterns: ['staging/**', 'prod/**'] });
    const verdict = evaluateRule(several, input);
    expect(verdict.matched).toBe(true);
    expect(verdict.reasons).toContain(`✓ action ${input.action} matches deploy.* or db.*`);
    expect(evaluateRule(several, { ...input, action: 'iam.grant' }).matched).toBe(false);
  });

  it('reports bad globs', () => {
    expect(globProblem('db.*')).toBeNull();
    expect(globProblem('prod/{a,b')).toBe('has unbalanced brackets');
    expect(globProblem('  ')).toBe('must not be empty');
  });
});

describe('environment and risk', () => {
  it('matches listed environments case-insensitively, and a missing environment matches none', () => {
    expect(evaluateRule(rule({ environments: ['Production', 'prod'] }), input).matched).toBe(true);
    expect(evaluateRule(rule({ environments: ['staging'] }), input).matched).toBe(false);
    expect(evaluateRule(rule({ environments: ['production'] }), { ...input, environment: null }).matched).toBe(false);
  });

  it('orders risk low < medium < high < critical', () => {
    expect(evaluateRule(rule({ minRisk: 'high' }), input).matched).toBe(true);
    expect(evaluateRule(rule({ minRisk: 'critical' }), input).matched).toBe(false);
    expect(evaluateRule(rule({ minRisk: 'medium' }), { ...input, risk: 'low' }).matched).toBe(false);
  });
});

describe('time windows', () => {
  it('reads the wall clock of the rule’s time zone', () => {
    expect(localTime(new Date('2026-11-23T10:00:00Z'), 'Europe/Berlin')).toMatchObject({ day: 1, minutes: 11 * 60 });
    expect(localTime(new Date('2026-11-23T03:00:00Z'), 'America/Los_Angeles')).toMatchObject({
      day: 7,
      minutes: 19 * 60,
    });
  });

  it('"outside office hours" in Berlin', () => {
    const rule1 = rule({ timeCondition: BERLIN_OFFICE });
    expect(evaluateRule(rule1, { ...input, at: new Date('2026-11-23T10:00:00Z') }).matched).toBe(false); // Mon 11:00
    expect(evaluateRule(rule1, { ...input, at: new Date('2026-11-23T17:30:00Z') }).matched).toBe(true); // Mon 18:30
    expect(evaluateRule(rule1, { ...input, at: new Date('2026-11-28T10:00:00Z') }).matched).toBe(true); // Sat 11:00
    expect(evaluateRule(rule1, { ...input, at: new Date('2026-11-23T07:59:00Z') }).matched).toBe(true); // Mon 08:59
    expect(evaluateRule(rule1, { ...input, at: new Date('2026-11-23T08:00:00Z') }).matched).toBe(false); // Mon 09:00
  });

  it('a window across midnight belongs to the day it starts', () => {
    const night: TimeCondition = { mode: 'inside', days: [5], start: '22:00', end: '06:00', timeZone: 'UTC' };
    expect(insideWindow(night, new Date('2026-11-27T23:00:00Z'))).toBe(true); // Fri 23:00
    expect(insideWindow(night, new Date('2026-11-28T03:00:00Z'))).toBe(true); // Sat 03:00, Friday's night
    expect(insideWindow(night, new Date('2026-11-28T06:00:00Z'))).toBe(false); // Sat 06:00
    expect(insideWindow(night, new Date('2026-11-28T23:00:00Z'))).toBe(false); // Sat 23:00: not a Friday
    expect(insideWindow(night, new Date('2026-11-27T03:00:00Z'))).toBe(false); // Fri 03:00: Thursday's night
  });

  it('follows daylight-saving changes', () => {
    const morning: TimeCondition = {
      mode: 'inside',
      days: [1, 2, 3, 4, 5, 6, 7],
      start: '09:00',
      end: '10:00',
      timeZone: 'Europe/Berlin',
    };
    // 09:30 Berlin is 08:30 UTC in winter (CET) and 07:30 UTC in summer (CEST).
    expect(insideWindow(morning, new Date('2026-03-28T08:30:00Z'))).toBe(true); // Sat, CET
    expect(insideWindow(morning, new Date('2026-03-29T08:30:00Z'))).toBe(false); // Sun after the switch: 10:30 CEST
    expect(insideWindow(morning, new Date('2026-03-29T07:30:00Z'))).toBe(true); // 09:30 CEST
    expect(insideWindow(morning, new Date('2026-10-25T08:30:00Z'))).toBe(true); // back to CET: 09:30
    // The skipped hour: 02:30 Berlin does not exist on 2026-03-29; 01:00 UTC is 03:00 CEST.
    const small: TimeCondition = { ...morning, start: '02:00', end: '03:00' };
    expect(insideWindow(small, new Date('2026-03-29T01:00:00Z'))).toBe(false);
    expect(insideWindow(small, new Date('2026-03-29T00:30:00Z'))).toBe(false); // 01:30 CET
  });

  it('validates time conditions', () => {
    expect(timeConditionProblems(BERLIN_OFFICE)).toEqual([]);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(
      timeConditionProblems({
        mode: 'inside',
        days: [],
        start: '25:00',
        end: '9:00',
        timeZone: 'Mars/Olympus_Mons',
      }).map((p) => p.field),
    ).toEqual(['days', 'start', 'end', 'timeZone']);
  });
});

describe('first match wins', () => {
  it('by ascending priority, skipping disabled rules, with reasons', () => {
    const rules = [
      rule({ id: 'b', name: 'b', priority: 2, actionPatterns: ['db.*'] }),
      rule({ id: 'a', name: 'a', priority: 1, actionPatterns: ['db.*'], enabled: false }),
      rule({ id: 'c', name: 'c', priority: 3 }),
    ];
    const { match, verdicts } = matchRules(rules, input);
    expect(match?.id).toBe('b');
    expect(verdicts.map((v) => [v.rule.id, v.matched])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(verdicts[0]?.reasons[0]).toBe('rule is disabled');
    expect(verdicts[1]?.reasons).toContain('✓ action db.drop_table matches db.*');
    expect(matchRules([rule({ actionPatterns: ['x.*'] })], input).match).toBeNull();
  });
});

describe('hostile globs (issue 21)', () => {
  it('a disabled rule is not evaluated at all: its globs are never compiled nor run', () => {
    const trap = rule({ enabled: false, resourcePatterns: ['*a*a*a*a*a*a*a*a*a*a*a*a*b'] });
    const before = globCompilations();
    const { match, verdicts } = matchRules([trap], { ...input, resource: 'a'.repeat(60) });
    expect(match).toBeNull();
    expect(verdicts[0]?.reasons).toEqual(['rule is disabled']);
    expect(globCompilations()).toBe(before);
    // Before the fix this took over a minute (picomatch backtracking), frozen process included.
    expect(fastestOf(5, () => matchRules([trap], { ...input, resource: 'a'.repeat(500) }))).toBeLessThan(5);
  });

  it('an enabled rule with a plausible glob and a long resource answers at once', () => {
    const prod = rule({ resourcePatterns: ['*-*-*-*-*-prod'] });
    const ms = fastestOf(5, () => {
      expect(matchRules([prod], { ...input, resource: '-'.repeat(250) }).match).toBeNull();
      expect(matchRules([prod], { ...input, resource: '-'.repeat(500) }).match).toBeNull();
    });
    // Before the fix 250 dashes took about 6 s and 500 far longer.
    expect(ms).toBeLessThan(5);
    expect(matchRules([prod], { ...input, resource: 'eu-west-db-1-blue-prod' }).match).not.toBeNull();
  });
});

describe('rules on MCP tool annotations and argument resources', () => {
  const call = (annotations: Record<string, boolean>, args: Record<string, unknown> = {}) => ({
    ...input,
    action: 'mcp.github.delete_repository',
    resource: 'github',
    mcp: { annotations, arguments: args },
  });
  const destructive = rule({ actionPatterns: ['mcp.github.*'], annotations: { destructiveHint: true } });

  it('matches a tool with the hint, and one silent about it (the specification’s default is destructive)', () => {
    expect(evaluateRule(destructive, call({ destructiveHint: true })).matched).toBe(true);
    expect(evaluateRule(destructive, call({})).matched).toBe(true);
    expect(evaluateRule(destructive, call({ destructiveHint: false })).matched).toBe(false);
    // destructiveHint means nothing for a read-only tool (the specification): it is not destructive.
    expect(evaluateRule(destructive, call({ readOnlyHint: true })).matched).toBe(false);
    expect(evaluateRule(destructive, call({ readOnlyHint: true, destructiveHint: true })).matched).toBe(false);
    const readOnly = rule({ annotations: { readOnlyHint: true } });
    expect(evaluateRule(readOnly, call({})).matched).toBe(false);
    expect(evaluateRule(readOnly, call({ readOnlyHint: true })).matched).toBe(true);
  });

  it('never matches a request that is not an MCP tool call, and says why', () => {
    const verdict = evaluateRule(destructive, { ...input, action: 'mcp.github.x' });
    expect(verdict.matched).toBe(false);
    expect(verdict.reasons.at(-1)).toBe('✗ not an MCP tool call, so not destructiveHint=true');
  });

  it('matches its resource globs against the argument it names, falling back to the request’s resource', () => {
    const repo = rule({ resourceFrom: 'arguments.repo', resourcePatterns: ['acme/*'] });
    expect(resourceFor(repo, call({}, { repo: 'acme/api' }))).toBe('acme/api');
    expect(evaluateRule(repo, call({}, { repo: 'acme/api' })).matched).toBe(true);
    expect(evaluateRule(repo, call({}, { repo: 'other/api' })).matched).toBe(false);
    expect(resourceFor(repo, call({}, { owner: 'acme' }))).toBe('github');
    expect(resourceFor(rule(), call({}, { repo: 'acme/api' }))).toBe('github');
  });
});
