/**
 * What a CLI command touches of its process: its environment and output streams. Commands take it
 * as a parameter so unit tests can run them in-process with their own.
 */
export interface Io {
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /**
   * Whether a person watches a terminal: a spinner instead of log lines. The spinner library draws
   * only when stdout is a terminal and CI is unset, so this is the same test (see {@link isInteractive}).
   */
  interactive: boolean;
}

/**
 * Whether this process talks to a terminal: stdout and stderr are TTYs of a known width (the
 * spinner divides by it: a zero-column pseudo-terminal would make it loop), TERM is not dumb and
 * CI is unset.
 */
export function isInteractive(env: Record<string, string | undefined>): boolean {
  return (
    process.stdout.isTTY === true &&
    process.stderr.isTTY === true &&
    (process.stderr.columns ?? 0) > 0 &&
    env.TERM !== 'dumb' &&
    !('CI' in env)
  );
}

/** Prints one line to stderr with the `greenlight: ` prefix every message of the CLI carries. */
export function say(io: Io, message: string): void {
  io.stderr.write(`greenlight: ${message}\n`);
}
