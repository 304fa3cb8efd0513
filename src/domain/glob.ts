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

/** A character must follow: picomatch's star starting a segment wants one, so `prod/*` is not `prod/`. */
const GUARD_NOT_AT_END = 1;
/** No `.` or `..` segment starts here: a wildcard starting a segment never takes one. */
const GUARD_NO_DOT_SEGMENT = 2;
/** The segment goes on past here and past one more `.`: `./.*` takes neither `.` nor `..`. */
const GUARD_SEGMENT_GOES_ON = 4;

// The input ends here: picomatch's a/**/b also lets the a end the input (which matters before a globstar).
const GUARD_AT_END = 8;

/** What one NFA node does (plain numbers: the source runs under Node's type stripping, which has no enums). */
const Op = {
  /** Consume one character equal to the node's code or in its set, then go to `next`. */
  Char: 0,
  /** Consume one character that is not `/`. */
  NotSlash: 1,
  /** Consume any character, unless it starts a `.` or `..` segment (the body of `**`). */
  AnyNoDotSegment: 2,
  /** Go on to both `next` and `alt` without consuming. */
  Split: 3,
  /** Go on to `next` only if the input here passes the node's guard flags (`GUARD_*`, in `codes`). */
  Guard: 4,
  Match: 5,
} as const;
type Op = (typeof Op)[keyof typeof Op];

interface CharSet {
  negated: boolean;
  /** Inclusive [from, to] code unit pairs, lower-cased. */
  ranges: number[];
}

/** A glob compiled once; `test` is linear in the input's length. */
export interface CompiledGlob {
  readonly source: string;
  test(input: string): boolean;
  /** `test` for an input already lower-cased: routing lowers a request's fields once for all rules. */
  testLowerCase(input: string): boolean;
}

type Token =
  /** `dot`: a `.` starting a segment or inside braces, after which a star may not end the segment at once. */
  | { kind: 'char'; code: number; dot?: boolean }
  | { kind: 'any' }
  | { kind: 'class'; set: CharSet }
  /** `guard`: GUARD_* flags checked where the star starts. */
  | { kind: 'star'; guard: number }
  /** `followed`: more of the glob comes after (the globstar may then also let the input end before it, as in picomatch). */
  | { kind: 'globstar'; leadingSlash: boolean; trailingSlash: boolean; slashRequired: boolean; followed: boolean }
  | { kind: 'alternatives'; options: Token[][] };

class GlobSyntaxError extends Error {}

const SLASH = 0x2f;
const DOT = 0x2e;

/** Longest glob routing accepts; bounds the NFA's size with it. */
export const MAX_GLOB_LENGTH = 200;

/**
 * Parses one glob. `outer` tells whether this is the whole pattern (a segment starts at its first
 * character) or one alternative inside braces (it does not: picomatch guards only a wildcard after
 * a `/` or at the very start there).
 */
class Parser {
  private index = 0;
  private readonly pattern: string;
  /** Whether picomatch would have taken its fast path for this glob (it skips some guards there). */
  private readonly fastPath: boolean;
  constructor(pattern: string) {
    this.pattern = pattern;
    // Decided after dropping a leading `./`, as picomatch does.
    const body = pattern.startsWith('./') ? pattern.slice(2) : pattern;
    this.fastPath = !(
      body.startsWith('*') ||
      body.startsWith('!') ||
      /[/(){}"]/.test(body) ||
      body.includes('[') ||
      body.includes(']')
    );
  }

  parse(): Token[] {
    // A leading `./` means "from here": picomatch drops it, so `./prod/*` is `prod/*`.
    if (this.pattern.startsWith('./')) this.index = 2;
    const tokens = this.sequence(true, false);
    if (this.index < this.pattern.length) throw new GlobSyntaxError(`has an unmatched “${this.pattern[this.index]}”`);
    return tokens;
  }

  private sequence(outer: boolean, inBraces: boolean): Token[] {
    const tokens: Token[] = [];
    const atSegmentStart = () => {
      const last = tokens[tokens.length - 1];
      if (last === undefined) return outer;
      return last.kind === 'char' ? last.code === SLASH : last.kind === 'globstar' && last.trailingSlash;
    };
    while (this.index < this.pattern.length) {
      const c = this.pattern[this.index] as string;
      if (inBraces && (c === ',' || c === '}')) break;
      if (c === '}' || c === ']') throw new GlobSyntaxError('has unbalanced brackets');
      if (c === '\\') {
        const escaped = this.pattern[this.index + 1];
        if (escaped === undefined) throw new GlobSyntaxError('ends with a lone “\\”');
        tokens.push({ kind: 'char', code: escaped.toLowerCase().charCodeAt(0) });
        this.index += 2;
      } else if (c === '*') {
        const segmentStart = atSegmentStart();
        let end = this.index;
        while (this.pattern[end] === '*') end++;
        const single = end - this.index === 1;
        const next = this.pattern[end];
        if (next === '(') throw new GlobSyntaxError('uses an extglob “*(…)”, which routing globs do not support');
        const wholeSegment = segmentStart && end - this.index === 2 && (next === undefined || next === '/');
        this.index = end;
        if (wholeSegment && next === undefined && merges(tokens[tokens.length - 1])) {
          // `x/**/**` is `x/**`, as picomatch reads it.
          const merged = tokens.pop() as Token & { kind: 'globstar' };
          const before = tokens[tokens.length - 1];
          const slashRequired = merged.leadingSlash && (before === undefined || before.kind === 'star');
          tokens.push({ ...merged, trailingSlash: false, slashRequired, followed: false });
        } else if (wholeSegment) {
          const last = tokens[tokens.length - 1];
          // `a/**` matches `a` as well: the slash before the globstar belongs to it and is optional
          // (only required after a star, `a*/**`, as picomatch has it).
          const leadingSlash = last?.kind === 'char' && last.code === SLASH;
          if (leadingSlash) tokens.pop();
          const trailingSlash = next === '/';
          if (trailingSlash) this.index++;
          const before = tokens[tokens.length - 1];
          // As in picomatch, the slash is required after a star (`a*/**`) or opening the glob (`/**/x`).
          const slashRequired = leadingSlash && (before === undefined || (!trailingSlash && before.kind === 'star'));
          const followed = !inBraces && this.index < this.pattern.length;
          tokens.push({ kind: 'globstar', leadingSlash, trailingSlash, slashRequired, followed });
        } else {
          // Picomatch's guards, reproduced: a run of stars asks for no following character, and a
          // glob simple enough for its fast path (no `/`, brackets or braces) has none after a dot.
          const last = tokens[tokens.length - 1];
          let guard = 0;
          if (segmentStart) guard = GUARD_NO_DOT_SEGMENT | (single ? GUARD_NOT_AT_END : 0);
          else if (last?.kind === 'char' && last.dot === true && !this.fastPath) {
            guard = GUARD_SEGMENT_GOES_ON | (single ? GUARD_NOT_AT_END : 0);
          }
          tokens.push({ kind: 'star', guard });
        }
      } else if (c === '?') {
        if (this.pattern[this.index + 1] === '(') {
          throw new GlobSyntaxError('uses an extglob “?(…)”, which routing globs do not support');
        }
        tokens.push({ kind: 'any' });
        this.index++;
      } else if (c === '[') {
        tokens.push({ kind: 'class', set: this.charClass() });
      } else if (c === '{') {
        tokens.push(this.alternatives());
      } else if (c === '(' || c === ')') {
        throw new GlobSyntaxError(
          `uses “${c}”, which routing globs do not support (write \\${c} for the character itself)`,
        );
      } else if ((c === '@' || c === '+' || c === '!') && this.pattern[this.index + 1] === '(') {
        throw new GlobSyntaxError(`uses an extglob “${c}(…)”, which routing globs do not support`);
      } else if (c === '!' && outer && this.index === 0) {
        throw new GlobSyntaxError('starts with “!”: negated globs are not supported (write \\! for the character)');
      } else {
        const dot = c === '.' && (inBraces || atSegmentStart());
        tokens.push({ kind: 'char', code: c.toLowerCase().charCodeAt(0), dot });
        this.index++;
      }
    }
    return tokens;
  }

  private alternatives(): Token {
    const open = this.index;
    this.index++;
    const options: Token[][] = [];
    for (;;) {
      options.push(this.sequence(false, true));
      const c = this.pattern[this.index];
      if (c === undefined) throw new GlobSyntaxError('has unbalanced brackets');
      this.index++;
      if (c === '}') break;
    }
    if (options.length < 2 || this.pattern.slice(open, this.index).includes('..')) {
      throw new GlobSyntaxError(
        `has “${this.pattern.slice(open, this.index)}”: write alternatives as {a,b} (ranges like {1..3}, and “..” inside braces, are not supported)`,
      );
    }
    return { kind: 'alternatives', options };
  }

  private charClass(): CharSet {
    this.index++;
    const negated = this.pattern[this.index] === '^';
    if (negated) this.index++;
    const ranges: number[] = [];
    let first = true;
    for (;;) {
      let c = this.pattern[this.index];
      if (c === undefined) throw new GlobSyntaxError('has unbalanced brackets');
      if (c === ']' && !first) break;
      if (c === '\\') {
        this.index++;
        c = this.pattern[this.index];
        if (c === undefined) throw new GlobSyntaxError('ends with a lone “\\”');
      }
      first = false;
      this.index++;
      const low = c.toLowerCase().charCodeAt(0);
      const dash = this.pattern[this.index];
      const to = this.pattern[this.index + 1];
      if (dash === '-' && to !== undefined && to !== ']') {
        this.index += 2;
        const high = to.toLowerCase().charCodeAt(0);
        if (high < low) throw new GlobSyntaxError(`has a backwards range “${c}-${to}”`);
        pushRange(ranges, low, high);
      } else {
        pushRange(ranges, low, low);
      }
    }
    this.index++;
    return { negated, ranges };
  }
}

/** Whether a globstar ending the glob folds into `token`: a globstar ending in a slash, as in `x/**` + `/**`. */
function merges(token: Token | undefined): boolean {
  return token?.kind === 'globstar' && token.trailingSlash;
}

/** Adds a range, and its other case: the input is lower-cased, so [A-Z] must still take "b". */
function pushRange(ranges: number[], low: number, high: number): void {
  ranges.push(low, high);
  const lower = String.fromCharCode(low).toLowerCase().charCodeAt(0);
  const upper = String.fromCharCode(high).toLowerCase().charCodeAt(0);
  if (high - low < 64 && (lower !== low || upper !== high)) {
    for (let code = low; code <= high; code++) {
      const folded = String.fromCharCode(code).toLowerCase().charCodeAt(0);
      if (folded !== code) ranges.push(folded, folded);
    }
  }
}

function inSet(set: CharSet, code: number): boolean {
  if (code === SLASH) return false;
  let found = false;
  for (let i = 0; i < set.ranges.length; i += 2) {
    if (code >= (set.ranges[i] as number) && code <= (set.ranges[i + 1] as number)) {
      found = true;
      break;
    }
  }
  return found !== set.negated;
}

/** The NFA as parallel arrays, built back to front so each node knows its successor. */
class Nfa {
  readonly ops: Op[] = [];
  readonly next: number[] = [];
  readonly alt: number[] = [];
  readonly codes: number[] = [];
  readonly sets: Array<CharSet | null> = [];

  add(op: Op, next: number, alt = -1, code = -1, set: CharSet | null = null): number {
    this.ops.push(op);
    this.next.push(next);
    this.alt.push(alt);
    this.codes.push(code);
    this.sets.push(set);
    return this.ops.length - 1;
  }

  /** `body` repeated zero or more times, then `next`: a Split whose first branch loops back to it. */
  loop(op: typeof Op.NotSlash | typeof Op.AnyNoDotSegment, next: number): number {
    const split = this.add(Op.Split, -1, next);
    this.next[split] = this.add(op, split);
    return split;
  }

  sequence(tokens: readonly Token[], next: number): number {
    let start = next;
    for (let i = tokens.length - 1; i >= 0; i--) start = this.token(tokens[i] as Token, start);
    return start;
  }

  private token(token: Token, next: number): number {
    switch (token.kind) {
      case 'char':
        return this.add(Op.Char, next, -1, token.code);
      case 'any':
        return this.add(Op.NotSlash, next);
      case 'class':
        return this.add(Op.Char, next, -1, -1, token.set);
      case 'star': {
        const loop = this.loop(Op.NotSlash, next);
        return token.guard === 0 ? loop : this.add(Op.Guard, loop, -1, token.guard);
      }
      case 'globstar': {
        // `**` alone: any segments. `**/x`: optionally some segments and a slash. `x/**`: optionally a
        // slash and some segments. `x/**/y`: a slash, then optionally some segments and a slash.
        if (token.leadingSlash && token.trailingSlash) {
          const anyThenSlash = this.loop(Op.AnyNoDotSegment, this.add(Op.Char, next, -1, SLASH));
          if (token.slashRequired) return this.add(Op.Char, anyThenSlash, -1, SLASH);
          const slashed = this.add(Op.Char, this.add(Op.Split, anyThenSlash, next), -1, SLASH);
          return token.followed ? this.add(Op.Split, slashed, this.add(Op.Guard, next, -1, GUARD_AT_END)) : slashed;
        }
        if (token.trailingSlash) {
          return this.add(Op.Split, this.loop(Op.AnyNoDotSegment, this.add(Op.Char, next, -1, SLASH)), next);
        }
        if (token.leadingSlash) {
          const slashThenAny = this.add(Op.Char, this.loop(Op.AnyNoDotSegment, next), -1, SLASH);
          return token.slashRequired ? slashThenAny : this.add(Op.Split, slashThenAny, next);
        }
        return this.loop(Op.AnyNoDotSegment, next);
      }
      case 'alternatives': {
        let start = this.sequence(token.options[token.options.length - 1] as Token[], next);
        for (let i = token.options.length - 2; i >= 0; i--) {
          start = this.add(Op.Split, this.sequence(token.options[i] as Token[], next), start);
        }
        return start;
      }
    }
  }
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
