import { describe, expect, it } from 'vitest';
import { approverGroupOptions } from '../../../../src/slack/blocks/approver-group-options.ts';

const groups = [
  { id: 'S0ONCALL01', handle: 'oncall', name: 'On call' },
  { id: 'S0DBA00001', handle: 'dba', name: 'dba' },
  { id: 'S0NOHANDLE' },
];

describe('approver-group options', () => {
  it('labels each group by handle, with its name when that says more', () => {
    expect(approverGroupOptions(groups, '').map((o) => [o.text.text, o.value])).toEqual([
      ['@oncall (On call)', 'S0ONCALL01'],
      ['@dba', 'S0DBA00001'],
      ['@S0NOHANDLE', 'S0NOHANDLE'],
    ]);
  });

  it('filters by handle or name, ignoring case and spaces around', () => {
    expect(approverGroupOptions(groups, '  ON CALL ').map((o) => o.value)).toEqual(['S0ONCALL01']);
    expect(approverGroupOptions(groups, 'db').map((o) => o.value)).toEqual(['S0DBA00001']);
  });

  it('offers at most 100 options, each label within 75 characters', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ id: `S${i}`, handle: `h${i}`, name: 'n'.repeat(200) }));
    const options = approverGroupOptions(many, '');
    expect(options).toHaveLength(100);
    for (const o of options) expect(o.text.text.length).toBeLessThanOrEqual(75);
  });
});
