import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
/** What the client may load: it runs in users' pipelines, so no Prisma, Slack, Bolt, Express or Redis. */
const ALLOWED_PACKAGES = new Set(['jose', 'standardwebhooks']);

/** Every module specifier a file imports or re-exports (static and dynamic). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map(
    (match) => (match[1] ?? match[2]) as string,
  );
}

/** The files `entry` loads, transitively through relative imports, and the packages they name. */
function closure(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of specifiers(file)) {
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files: [...files].map((file) => path.relative(SRC, file)), packages: [...packages] };
}

describe('greenlight/client dependencies', () => {
  it('the client loads only fetch, jose, standardwebhooks, node: built-ins and pure files', () => {
    const { files, packages } = closure(path.join(SRC, 'client/index.ts'));
    expect(packages.filter((name) => !name.startsWith('node:') && !ALLOWED_PACKAGES.has(name))).toEqual([]);
    expect(files.filter((file) => !file.startsWith('client/')).sort()).toEqual([
      'domain/grant-claims.ts',
      'domain/params-hash.ts',
    ]);
  });

  it('the CLI is built on the client alone (and the spinner, yaml for rules files, the MCP SDK and the pure MCP hints for mcp-proxy)', () => {
    const { files, packages } = closure(path.join(SRC, 'cli/greenlight.ts'));
    const mcp = (name: string) => name.startsWith('@modelcontextprotocol/sdk/');
    expect(
      packages.filter((name) => !name.startsWith('node:') && !ALLOWED_PACKAGES.has(name) && !mcp(name)).sort(),
    ).toEqual(['nanospinner', 'yaml']);
    expect(
      files
        .filter((file) => !file.startsWith('client/') && !file.startsWith('cli/') && !file.startsWith('mcp/proxy/'))
        .sort(),
    ).toEqual(['domain/grant-claims.ts', 'domain/mcp-hints.ts', 'domain/params-hash.ts']);
  });
});
