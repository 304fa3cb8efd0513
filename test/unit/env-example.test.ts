import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, ZConfig } from '../../src/config/index.ts';

const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);

describe('.env.example', () => {
  const schemaKeys = Object.keys(ZConfig.shape);

  it('.env.example documents exactly the variables the config schema reads', () => {
    expect(schemaKeys.length).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual([...schemaKeys].sort());
  });

  it('every variable has a comment above it', () => {
    const lines = example.split('\n');
    for (const name of documented) {
      const index = lines.findIndex((line) => line.startsWith(`${name}=`));
      expect(lines[index - 1], `${name} needs a comment`).toMatch(/^#/);
    }
  });

  it('a copied .env.example is refused: every value it sets is a placeholder, named with what to put there', () => {
    const env = dotenv.parse(example);
    const placeholders = Object.entries(env).filter(([, value]) => value.trim() !== '');
    expect(placeholders.map(([name]) => name)).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
    let problems: string[] = [];
    try {
      parseConfig(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    for (const [name, value] of placeholders) {
      const refused = `${name} is still the placeholder from .env.example (${JSON.stringify(value)}): put `;
      expect(
        problems.filter((problem) => problem.startsWith(refused)),
        name,
      ).toHaveLength(1);
    }
    // Those are its only problems: nothing else a trial leaves empty is refused.
    expect(problems).toHaveLength(placeholders.length);
  });
});
