import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import { lexer, type Token, type Tokens, walkTokens } from 'marked';
import { describe, expect, it } from 'vitest';

/**
 * Every relative link in the documentation resolves: its file exists, and its `#anchor` is a heading
 * of that file, slugged as GitHub slugs headings (github-slugger, duplicates numbered). No network:
 * links with a scheme (https:, mailto:) are not followed.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The documentation: README.md, CONTRIBUTING.md, bench/README.md and every page under docs/. */
function documentationFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.md'))
    .map((path) => join('docs', path));
  return ['README.md', 'CONTRIBUTING.md', 'bench/README.md', ...docs].sort();
}

/** A heading's text as GitHub renders it (inline code and emphasis reduced to their text). */
function plainText(tokens: Token[] | undefined): string {
  return (tokens ?? [])
    .map((token) => {
      if ('tokens' in token && token.tokens) return plainText(token.tokens);
      if (token.type === 'codespan' || token.type === 'text' || token.type === 'escape') return token.text;
      return '';
    })
    .join('');
}

const anchorCache = new Map<string, Set<string>>();

/** The anchors GitHub gives the headings of a Markdown text. */
function anchorsIn(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  // walkTokens returns the callbacks' results for marked's async extensions; ours are synchronous.
  void walkTokens(lexer(markdown), (token) => {
    if (token.type === 'heading') anchors.add(slugger.slug(plainText((token as Tokens.Heading).tokens)));
  });
  return anchors;
}

/** The anchors of a Markdown file on disk. */
function anchorsOf(path: string): Set<string> {
  const anchors = anchorCache.get(path) ?? anchorsIn(readFileSync(path, 'utf8'));
  anchorCache.set(path, anchors);
  return anchors;
}

/** Every link target of a Markdown text: inline links, images and reference definitions (used or not). */
function linkTargets(markdown: string): string[] {
  const tokens = lexer(markdown);
  const targets = new Set(Object.values(tokens.links).map((link) => link.href));
  void walkTokens(tokens, (token) => {
    if (token.type === 'link' || token.type === 'image') targets.add((token as Tokens.Link).href);
  });
  return [...targets];
}

/** The broken relative links of `markdown`, as if it were the file at `path` (relative to the repository). */
function brokenLinks(path: string, markdown: string): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
    const hash = target.indexOf('#');
    const file = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    if (file === '') {
      if (anchor !== undefined && !anchorsIn(markdown).has(anchor)) {
        problems.push(`${path}: ${target}: no heading of this page has the anchor #${anchor}`);
      }
      continue;
    }
    const resolved = join(file.startsWith('/') ? ROOT : dirname(join(ROOT, path)), file);
    if (!resolved.startsWith(ROOT) || !existsSync(resolved)) {
      problems.push(`${path}: ${target}: ${relative(ROOT, resolved)} does not exist`);
      continue;
    }
    if (anchor === undefined) continue;
    if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
      problems.push(`${path}: ${target}: an anchor into a file that is not Markdown`);
    } else if (!anchorsOf(resolved).has(anchor)) {
      problems.push(`${path}: ${target}: no heading of ${relative(ROOT, resolved)} has the anchor #${anchor}`);
    }
  }
  return problems;
}

describe('documentation links', () => {
  const files = documentationFiles();

  it('covers the README, CONTRIBUTING, the benchmarks and the docs tree', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'bench/README.md']));
    expect(files.filter((file) => file.startsWith('docs/')).length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s: every relative link and anchor resolves', (file) => {
    const markdown = readFileSync(join(ROOT, file), 'utf8');
    expect(brokenLinks(file, markdown)).toEqual([]);
  });

  it.each(files)('%s: opens with its title, the one first-level heading', (file) => {
    const headings = lexer(readFileSync(join(ROOT, file), 'utf8')).filter(
      (token): token is Tokens.Heading => token.type === 'heading',
    );
    expect(headings[0]?.depth).toBe(1);
    expect(headings.filter((heading) => heading.depth === 1)).toHaveLength(1);
  });

  it('finds a missing file, a missing anchor, and slugs headings as GitHub does', () => {
    const page = [
      '# Top `code` heading',
      '## Terraform run task (HCP Terraform / Terraform Enterprise)',
      '## Top code heading',
      '[ok](README.md#run-it) [ok](#top-code-heading-1) [ok](#terraform-run-task-hcp-terraform--terraform-enterprise)',
      '[bad](#top-code-heading-2)',
      '[ok](docs/) [ok](https://example.com/#nowhere) [ok](mailto:someone@example.com)',
      '| a | b |',
      '| - | - |',
      '| [gone](docs/no-such-page.md) | [bad anchor](README.md#no-such-heading) |',
      '',
      '[ref]: ./missing.md',
      '[ref] `[not a link](nowhere.md)`',
      '```',
      '[not a link either](nowhere.md)',
      '```',
    ].join('\n');
    expect(brokenLinks('page.md', page)).toEqual([
      'page.md: ./missing.md: missing.md does not exist',
      'page.md: #top-code-heading-2: no heading of this page has the anchor #top-code-heading-2',
      'page.md: docs/no-such-page.md: docs/no-such-page.md does not exist',
      'page.md: README.md#no-such-heading: no heading of README.md has the anchor #no-such-heading',
    ]);
  });
});
