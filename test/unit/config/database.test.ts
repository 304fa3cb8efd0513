import { describe, expect, it } from 'vitest';
import { parseConfigParts, parseDatabaseConfig } from '../../../src/config/index.ts';
import { problemsOf } from './problems.ts';

describe('database config', () => {
  it('parses on its own, with no Slack or Redis setting', () => {
    expect(parseDatabaseConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/gl' })).toEqual({
      DATABASE_URL: 'postgresql://u:p@db:5432/gl',
      DATA_DIR: './.data',
      DATABASE_POOL_SIZE: 10,
    });
    expect(parseDatabaseConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(parseDatabaseConfig({}))).toBe(true);
  });

  it('ignores the other parts entirely, even when they are broken', () => {
    const config = parseConfigParts({ SLACK_BOT_TOKEN: 'nope', PORT: 'x', DATA_DIR: '/var/lib/gl' }, ['database']);
    expect(config).toEqual({ DATABASE_URL: undefined, DATA_DIR: '/var/lib/gl', DATABASE_POOL_SIZE: 10 });
    expect(Object.keys(config)).not.toContain('PORT');
  });

  it('names a bad URL without its password', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://admin:hunter2@db/gl', DATABASE_POOL_SIZE: '0' }, ['database']);
    expect(problems).toEqual([
      'DATABASE_URL must be a URL like postgresql://user:pass@host:5432/db (got "mysql://admin:***@db/gl")',
      'DATABASE_POOL_SIZE "0" is out of range (1–200)',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});
