import { describe, expect, it } from 'vitest';
import { ZRuleInput } from '../../../../src/services/routing/rule-schema.ts';
import { ruleInput } from '../../../support/rules.ts';

describe('the rule schema', () => {
  it('accepts a valid rule', () => {
    expect(ZRuleInput.safeParse(ruleInput()).success).toBe(true);
  });

  it.each([
    ['name', { name: 'Prod\u0000DB' }],
    ['actionPatterns.0', { actionPatterns: ['db.\ud800'] }],
    ['environments.0', { environments: ['prod\u0000'] }],
    ['denyMessage', { outcome: 'auto_deny', denyMessage: 'no \udfff' }],
  ])('refuses text PostgreSQL cannot store in %s, naming the field', (path, change) => {
    const parsed = ZRuleInput.safeParse({ ...ruleInput(), ...change });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
