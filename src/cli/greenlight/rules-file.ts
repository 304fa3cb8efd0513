import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  stringify,
  visit,
} from 'yaml';
import type { FieldErrorJson, Identities, RuleDocument, RulesExport } from '../../client/index.ts';

/**
 * Rules files: `{ rules: [...] }` in YAML (JSON is YAML too), optionally with `identities:`
 * (provider → login → Slack user id). The CLI checks only what it must to send the file (YAML
 * syntax, the top-level shape, the identities' shape); the service checks every rule and every
 * link, all at once, and its problems are pointed back at the file's lines here.
 */

/** A problem located in the file: `rules.yml:12:7 rules[1].reminder.afterSeconds: must be at least 10 seconds`. */
export interface FileProblem {
  line: number;
  col: number;
  path: string | null;
  message: string;
}

/** A parsed rules file, with a way to find where each of its fields is written. */
export interface RulesFile {
  rules: RuleDocument[];
  identities?: Identities;
  /** Where `path` (`rules[1].reminder.afterSeconds`) is written: its key, or the nearest field that is there. */
  locate(path: string): { line: number; col: number };
}

const TOP_LEVEL = new Set(['rules', 'identities']);
/**
 * How far aliases may multiply a file when it is read (yaml's own default): a real rules file reuses
 * an anchor a few times; a "billion laughs" file nests them until reading it takes all memory.
 */
const MAX_ALIAS_COUNT = 100;

/** Where the first alias (`*name`) is written: what a refusal for too many aliases points at. */
function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

/** The document as plain data, or — when its aliases expand past the limit — a problem at the first alias. */
function documentValue(
  doc: Document,
  lines: LineCounter,
): { ok: true; value: unknown } | { ok: false; problem: FileProblem } {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    // yaml throws (a ReferenceError, no position) when aliases expand too far; any other failure to
    // build the data is a problem of the file too, not a crash of the CLI.
    const message = error instanceof Error ? error.message : String(error);
    const tooMany = /alias/i.test(message);
    return {
      ok: false,
      problem: {
        ...lines.linePos(tooMany ? firstAliasOffset(doc) : 0),
        path: null,
        message: tooMany
          ? `aliases expand too far (more than ${MAX_ALIAS_COUNT} times): not read, as a “billion laughs” file would exhaust memory`
          : message,
      },
    };
  }
}
const PROVIDER = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * `rules[1].match.actions.0` → ['rules', 1, 'match', 'actions', 0]. An identity's path keeps its
 * login whole (`identities.github.octo.cat`: a bad login may hold dots).
 */
function segments(path: string): Array<string | number> {
  const identity = /^identities\.([^.]+)\.(.+)$/.exec(path);
  if (identity !== null) return ['identities', identity[1] as string, identity[2] as string];
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The start offset of the node at `path`, or of the deepest one on the way there that exists. */
function offsetOf(doc: Document, path: Array<string | number>): number {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (pair === undefined) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      offset = (item as Node).range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

/** The shape problems of `identities:`, located; its logins and Slack user ids are the service's to check, with the rules. */
function identityProblems(doc: Document, lines: LineCounter, value: unknown): FileProblem[] {
  const problems: FileProblem[] = [];
  const at = (path: string, message: string) => {
    const { line, col } = lines.linePos(offsetOf(doc, segments(path)));
    problems.push({ line, col, path, message });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    at('identities', 'must map providers to logins, e.g. identities: { github: { octocat: U0123ABCD } }');
    return problems;
  }
  for (const [provider, logins] of Object.entries(value)) {
    if (!PROVIDER.test(provider)) at(`identities.${provider}`, 'must be a provider name like github');
    if (logins === null || typeof logins !== 'object' || Array.isArray(logins)) {
      at(`identities.${provider}`, 'must map logins to Slack user ids, e.g. octocat: U0123ABCD');
    }
  }
  return problems;
}

/**
 * Parses a rules file, keeping where everything is written. Syntax errors and a wrong top-level
 * shape are problems here (the file is not sent); each rule's fields are the service's to check.
 */
export function parseRulesFile(text: string): { ok: true; file: RulesFile } | { ok: false; problems: FileProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problems: FileProblem[] = doc.errors.map((error) => {
    const position = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
    return {
      line: position.line,
      col: position.col,
      path: null,
      message: error.message.split('\n')[0] ?? error.message,
    };
  });
  if (problems.length > 0) return { ok: false, problems };
  const locate = (path: string) => lines.linePos(offsetOf(doc, segments(path)));
  const read = documentValue(doc, lines);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const { value } = read;
  const top = (path: string, message: string): FileProblem => ({ ...locate(path), path, message });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problems: [top('', 'must be a mapping with a `rules:` list')] };
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!TOP_LEVEL.has(key)) problems.push(top(key, 'is not a known field (rules, identities)'));
  }
  if (!Array.isArray(record.rules)) problems.push(top('rules', 'must be a list of rules'));
  else {
    for (const [index, rule] of record.rules.entries()) {
      if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
        problems.push(top(`rules[${index}]`, 'must be a rule (a mapping with name, match, …)'));
      }
    }
  }
  if (record.identities !== undefined) problems.push(...identityProblems(doc, lines, record.identities));
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    file: {
      rules: record.rules as RuleDocument[],
      ...(record.identities === undefined ? {} : { identities: record.identities as Identities }),
      locate,
    },
  };
}

/** The service's field problems, each pointed at its line in the file. */
export function locateProblems(file: RulesFile, fields: FieldErrorJson[]): FileProblem[] {
  return fields.map((field) => ({ ...file.locate(field.path), path: field.path, message: field.message }));
}

/** One problem as a line of output: `rules.yml:12:7 rules[1].reminder.afterSeconds: must be at least 10 seconds`. */
export function formatProblem(fileName: string, problem: FileProblem): string {
  return `${fileName}:${problem.line}:${problem.col} ${problem.path === null ? '' : `${problem.path}: `}${problem.message}`;
}

/**
 * The rules and links as a rules file: `{ rules: [...], identities: {...} }`, each rule's document as
 * the service gives it (id, position and manager left out); `identities:` only for providers with links.
 */
export function rulesFileText({ rules, identities }: RulesExport): string {
  const documents = rules.map(
    ({ id: _id, priority: _priority, managedBy: _managedBy, updatedAt: _updatedAt, ...doc }) => doc,
  );
  const linked = Object.entries(identities).filter(([, logins]) => Object.keys(logins).length > 0);
  return stringify(
    linked.length === 0 ? { rules: documents } : { rules: documents, identities: Object.fromEntries(linked) },
    { lineWidth: 0 },
  );
}
