/* The routing glob syntax: a glob parsed into tokens, with the guards its wildcards carry (see glob.ts). */

/** A character must follow: picomatch's star starting a segment wants one, so `prod/*` is not `prod/`. */
export const GUARD_NOT_AT_END = 1;
/** No `.` or `..` segment starts here: a wildcard starting a segment never takes one. */
export const GUARD_NO_DOT_SEGMENT = 2;
/** The segment goes on past here and past one more `.`: `./.*` takes neither `.` nor `..`. */
export const GUARD_SEGMENT_GOES_ON = 4;

// The input ends here: picomatch's a/**/b also lets the a end the input (which matters before a globstar).
export const GUARD_AT_END = 8;

export interface CharSet {
  negated: boolean;
  /** Inclusive [from, to] code unit pairs, lower-cased. */
  ranges: number[];
}

export type Token =
  /** `dot`: a `.` starting a segment or inside braces, after which a star may not end the segment at once. */
  | { kind: 'char'; code: number; dot?: boolean }
  | { kind: 'any' }
  | { kind: 'class'; set: CharSet }
  /** `guard`: GUARD_* flags checked where the star starts. */
  | { kind: 'star'; guard: number }
  /** `followed`: more of the glob comes after (the globstar may then also let the input end before it, as in picomatch). */
  | { kind: 'globstar'; leadingSlash: boolean; trailingSlash: boolean; slashRequired: boolean; followed: boolean }
  | { kind: 'alternatives'; options: Token[][] };

export class GlobSyntaxError extends Error {}

export const SLASH = 0x2f;
export const DOT = 0x2e;

/** Longest glob routing accepts; bounds the NFA's size with it. */
export const MAX_GLOB_LENGTH = 200;

/**
 * Parses one glob. `outer` tells whether this is the whole pattern (a segment starts at its first
 * character) or one alternative inside braces (it does not: picomatch guards only a wildcard after
 * a `/` or at the very start there).
 */
export class Parser {
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
export function merges(token: Token | undefined): boolean {
  return token?.kind === 'globstar' && token.trailingSlash;
}

/** Adds a range, and its other case: the input is lower-cased, so [A-Z] must still take "b". */
export function pushRange(ranges: number[], low: number, high: number): void {
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

export function inSet(set: CharSet, code: number): boolean {
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
