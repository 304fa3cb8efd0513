import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_PARTS, ZConfig } from '../../../src/config/index.ts';

/**
 * docs/reference/configuration.md is the reference of every setting. It is written by hand (the
 * meanings need words), so this test holds it to the schema: a setting added to or removed from
 * `src/config/` without its row, or a default changed in one place only, fails here.
 */
const doc = readFileSync(new URL('../../../docs/reference/configuration.md', import.meta.url), 'utf8');

/** The settings table: variable → its Default cell, in the order the page lists them. */
function settingsTable(markdown: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const match of markdown.matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\|([^|]*)\|/gm)) {
    const [, name = '', cell = ''] = match;
    if (rows.has(name)) throw new Error(`${name} has two rows`);
    rows.set(name, cell.trim());
  }
  return rows;
}

describe('docs/reference/configuration.md', () => {
  const rows = settingsTable(doc);
  const schemaKeys = Object.keys(ZConfig.shape);

  it('has exactly one row per variable of the config schema', () => {
    expect(schemaKeys.length).toBeGreaterThan(10);
    expect([...rows.keys()].sort()).toEqual([...schemaKeys].sort());
  });

  it('names the parts of the schema', () => {
    expect(doc.replace(/\s+/g, ' ')).toContain(`in parts: ${Object.keys(CONFIG_PARTS).join(', ')})`);
  });

  it("gives each variable the schema's default", () => {
    for (const [name, schema] of Object.entries(ZConfig.shape)) {
      const cell = rows.get(name);
      const unset = schema.safeParse(undefined);
      if (!unset.success) {
        expect(cell, `${name} is required`).toMatch(/^— \(required/);
        continue;
      }
      const value: unknown = unset.data;
      // A boolean is written as its value only for on/off settings; TRUST_PROXY refuses `true` and says "unset".
      const spelled =
        typeof value === 'string' ||
        typeof value === 'number' ||
        (typeof value === 'boolean' && schema.safeParse('true').success);
      if (spelled) expect(cell, name).toBe(`\`${String(value)}\``);
      else if (Array.isArray(value) && value.length === 0) expect(cell, name).toBe('empty');
    }
  });
});
