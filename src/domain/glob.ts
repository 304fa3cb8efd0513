/**
 * Routing globs, matched without backtracking. A glob compiles once into a small NFA (Thompson's
 * construction) and an input is read left to right once while the set of live states is carried
 * along, so a match costs at most input length × glob size steps whatever the glob: the regular
 * expressions picomatch builds backtrack, and `*-*-*-*-*-prod` against 250 dashes took seconds.
 *
 * The syntax and meaning are those routing always documented, matched as picomatch did with
 * `{ nocase: true, dot: true }`: `*` any run of characters within a path segment, `**` as a whole
 * segment any number of segments, `?` one character but `/`, `[a-z]`/`[^a-z]` a character class
 * (never `/`), `{a,b}` alternatives (nestable), `\x` the character x; case-insensitive; a leading
 * dot is an ordinary character. As in picomatch, a wildcard starting a segment never takes a whole
 * segment that is `.` or `..`, so `prod/**` does not match `prod/../secrets`. Picomatch's other
 * syntax (extglobs `@(a|b)`, leading `!` negation, `{1..3}` ranges) was never documented and is
 * refused by {@link globProblem} rather than half-supported.
 */
import { Nfa, Op } from './glob-nfa.ts';
import {
  DOT,
  GlobSyntaxError,
  GUARD_AT_END,
  GUARD_NO_DOT_SEGMENT,
  GUARD_NOT_AT_END,
  GUARD_SEGMENT_GOES_ON,
  inSet,
  MAX_GLOB_LENGTH,
  Parser,
  SLASH,
  type Token,
} from './glob-syntax.ts';

export { MAX_GLOB_LENGTH };

/** A glob compiled once; `test` is linear in the input's length. */
export interface CompiledGlob {
  readonly source: string;
  test(input: string): boolean;
  /** `test` for an input already lower-cased: routing lowers a request's fields once for all rules. */
  testLowerCase(input: string): boolean;
}

/** Whether a `.` or `..` segment starts at `at` (a wildcard starting a segment may not take it). */
function dotSegmentAt(input: string, at: number): boolean {
  if (at > 0 && input.charCodeAt(at - 1) !== SLASH) return false;
  if (input.charCodeAt(at) !== DOT) return false;
  const after = input.charCodeAt(at + 1) === DOT ? at + 2 : at + 1;
  return after === input.length || input.charCodeAt(after) === SLASH;
}

/** Whether the segment ends at `at`, or after a `.` there: `.*` takes neither `.` nor `..`. */
function segmentEndsWithin(input: string, at: number): boolean {
  if (at >= input.length || input.charCodeAt(at) === SLASH) return true;
  return input.charCodeAt(at) === DOT && (at + 1 === input.length || input.charCodeAt(at + 1) === SLASH);
}

/** What the guards need to know about an input position, as bits: computed once per position. */
const AT_END = 1;
const AT_DOT_SEGMENT = 2;
const SEGMENT_ENDS_WITHIN = 4;

function contextAt(input: string, at: number): number {
  return (
    (at >= input.length ? AT_END : 0) |
    (dotSegmentAt(input, at) ? AT_DOT_SEGMENT : 0) |
    (segmentEndsWithin(input, at) ? SEGMENT_ENDS_WITHIN : 0)
  );
}

function passes(guard: number, context: number): boolean {
  if (guard & GUARD_NOT_AT_END && context & AT_END) return false;
  if (guard & GUARD_NO_DOT_SEGMENT && context & AT_DOT_SEGMENT) return false;
  if (guard & GUARD_AT_END && !(context & AT_END)) return false;
  return !(guard & GUARD_SEGMENT_GOES_ON && context & SEGMENT_ENDS_WITHIN);
}

/** A set of live NFA states, built once and then reused: the lazily built DFA's state. */
interface DfaState {
  states: Int32Array;
  accepting: boolean;
  /** By character code × 16 + the position bits the step depends on. */
  next: Map<number, DfaState>;
}

/**
 * Past this many DFA states, or transitions, a glob drops its table and starts over: memory stays
 * bounded (a busy glob holds at most a few hundred kilobytes), and time stays linear.
 */
const MAX_DFA_STATES = 512;
const MAX_DFA_TRANSITIONS = 8192;

let compilations = 0;

/** How many globs this process has compiled: matching must reuse compiled globs, and tests hold it to that. */
export function globCompilations(): number {
  return compilations;
}

/** The leading and trailing literal characters every match must start and end with (lower-cased). */
function literalEnds(tokens: readonly Token[]): { prefix: string; suffix: string } {
  const literal = (token: Token | undefined) => (token?.kind === 'char' ? String.fromCharCode(token.code) : undefined);
  let prefix = '';
  for (let i = 0; literal(tokens[i]) !== undefined; i++) prefix += literal(tokens[i]);
  let suffix = '';
  if (prefix.length < tokens.length) {
    for (let i = tokens.length - 1; literal(tokens[i]) !== undefined; i--) suffix = literal(tokens[i]) + suffix;
  }
  return { prefix, suffix };
}

/**
 * Compiles a glob; throws on a glob {@link globProblem} refuses. Matching runs the NFA as a DFA built
 * lazily (RE2's way): each new set of live states costs one pass over the NFA, every later visit a
 * map lookup, so a match is linear in the input and usually one lookup per character. Most globs are
 * refused earlier still by their literal start or end (`svc-*`, `*-prod`).
 */
export function compileGlob(pattern: string): CompiledGlob {
  const tokens = new Parser(pattern).parse();
  compilations++;
  const { prefix, suffix } = literalEnds(tokens);
  const nfa = new Nfa();
  const start = nfa.sequence(tokens, nfa.add(Op.Match, -1));
  const { ops, next, alt, codes, sets } = nfa;
  const size = ops.length;
  // Scratch space reused across calls: matching is synchronous, so one call never sees another's.
  const found = new Int32Array(size);
  const seen = new Uint32Array(size);
  // Each node is pushed at most once per edge into it, and a node has at most two.
  const stack = new Int32Array(2 * size + 2);
  let generation = 0;
  let table = new Map<string, DfaState>();
  let starts: Array<DfaState | undefined> = [];
  let transitions = 0;
  const reset = () => {
    table = new Map();
    starts = [];
    transitions = 0;
  };

  const nextGeneration = () => {
    generation = generation === 0xffffffff ? 1 : generation + 1;
    if (generation === 1) seen.fill(0);
  };

  /** Adds `state` and every state reachable from it without consuming, where the position has `context`. */
  const close = (count: number, state: number, context: number): number => {
    let depth = 0;
    stack[depth++] = state;
    while (depth > 0) {
      const s = stack[--depth] as number;
      if (seen[s] === generation) continue;
      seen[s] = generation;
      const op = ops[s] as Op;
      if (op === Op.Split) {
        stack[depth++] = alt[s] as number;
        stack[depth++] = next[s] as number;
      } else if (op === Op.Guard) {
        if (passes(codes[s] as number, context)) stack[depth++] = next[s] as number;
      } else {
        found[count++] = s;
      }
    }
    return count;
  };

  const intern = (count: number): DfaState => {
    const states = found.slice(0, count).sort();
    const key = states.join(',');
    let state = table.get(key);
    if (state === undefined) {
      if (table.size >= MAX_DFA_STATES) reset();
      let accepting = false;
      for (const s of states) if (ops[s] === Op.Match) accepting = true;
      state = { states, accepting, next: new Map() };
      table.set(key, state);
    }
    return state;
  };

  const step = (from: DfaState, code: number, here: number, after: number): DfaState => {
    nextGeneration();
    let count = 0;
    for (const s of from.states) {
      const op = ops[s] as Op;
      let ok = false;
      if (op === Op.Char) {
        const set = sets[s];
        ok = set === null || set === undefined ? codes[s] === code : inSet(set, code);
      } else if (op === Op.NotSlash) {
        ok = code !== SLASH;
      } else if (op === Op.AnyNoDotSegment) {
        ok = (here & AT_DOT_SEGMENT) === 0;
      }
      if (ok) count = close(count, next[s] as number, after);
    }
    return intern(count);
  };

  // As in picomatch, an input spelled exactly as the glob matches it, whatever its syntax says
  // (`./.` matches `./.`, `[x]` matches `[x]`): rules written before this engine may rely on it.
  const spelled = pattern.toLowerCase();
  const testLowerCase = (input: string): boolean => {
    if (input === spelled) return true;
    if (!input.startsWith(prefix) || !input.endsWith(suffix) || input.length < prefix.length + suffix.length) {
      return false;
    }
    let here = contextAt(input, 0);
    let state = starts[here];
    if (state === undefined) {
      nextGeneration();
      state = intern(close(0, start, here));
      starts[here] = state;
    }
    for (let at = 0; at < input.length; at++) {
      if (state.states.length === 0) return false;
      const code = input.charCodeAt(at);
      const after = contextAt(input, at + 1);
      // A step depends on the character, on whether a dot segment starts here, and on what follows.
      const key = code * 16 + (here & AT_DOT_SEGMENT ? 8 : 0) + after;
      let target: DfaState | undefined = state.next.get(key);
      if (target === undefined) {
        target = step(state, code, here, after);
        if (++transitions > MAX_DFA_TRANSITIONS) reset();
        state.next.set(key, target);
      }
      state = target;
      here = after;
    }
    return state.accepting;
  };
  return { source: pattern, test: (input) => testLowerCase(input.toLowerCase()), testLowerCase };
}

/** A problem with a glob, or null when it compiles. */
export function globProblem(pattern: string): string | null {
  if (pattern.trim() === '') return 'must not be empty';
  if (pattern.length > MAX_GLOB_LENGTH) return `must be at most ${MAX_GLOB_LENGTH} characters`;
  try {
    new Parser(pattern).parse();
    return null;
  } catch (error) {
    if (error instanceof GlobSyntaxError) return error.message;
    throw error;
  }
}
