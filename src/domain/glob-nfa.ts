/* A glob's NFA (Thompson's construction), built from its tokens; glob.ts runs it. */
import { type CharSet, GUARD_AT_END, SLASH, type Token } from './glob-syntax.ts';

/** What one NFA node does (plain numbers: the source runs under Node's type stripping, which has no enums). */
export const Op = {
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
export type Op = (typeof Op)[keyof typeof Op];

/** The NFA as parallel arrays, built back to front so each node knows its successor. */
export class Nfa {
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
