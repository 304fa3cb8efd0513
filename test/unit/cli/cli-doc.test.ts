import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/greenlight/exit-codes.ts';
import { USAGE } from '../../../src/cli/greenlight/main.ts';

/** docs/reference/cli.md is held to the CLI: every command it has, and every exit code it can end with. */
const doc = readFileSync(new URL('../../../docs/reference/cli.md', import.meta.url), 'utf8');

describe('docs/reference/cli.md', () => {
  it('shows every command of greenlight --help', () => {
    const commands = [...USAGE.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map(([, name]) => name);
    expect(commands.length).toBeGreaterThanOrEqual(6);
    for (const name of commands) expect(doc, name).toContain(`\`greenlight ${name} `);
  });

  it('has a row for every exit code of the CLI, and for no other', () => {
    const table = doc.slice(doc.indexOf('| Code'));
    const documented = [...table.matchAll(/^\| (\d+) +\|/gm)].map(([, code]) => Number(code));
    const codes = new Set<number>(Object.values(EXIT).filter((code) => code !== EXIT.ok));
    expect([...new Set(documented)].sort((a, b) => a - b)).toEqual([...codes].sort((a, b) => a - b));
    expect(documented).toHaveLength(new Set(documented).size);
  });
});
