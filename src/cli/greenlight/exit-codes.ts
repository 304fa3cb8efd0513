import { constants } from 'node:os';

/**
 * The `greenlight` CLI's exit codes (sysexits.h where one fits, `timeout`'s 124, the shell's 128+n),
 * so a pipeline can tell "denied" from "nobody answered" from "Greenlight is down".
 */
export const EXIT = {
  ok: 0,
  /** `greenlight verify`: the token is not a valid grant for what was asked. */
  invalid: 1,
  /** Bad usage: unknown flag, missing setting, bad duration (EX_USAGE). */
  usage: 64,
  /** `greenlight audit verify`: an audit chain is broken (EX_DATAERR). */
  broken: 65,
  /** `greenlight rules apply`: the file has problems, each printed; nothing was changed (EX_DATAERR). */
  refused: 65,
  /** `greenlight rules apply`: the file cannot be read (EX_NOINPUT). */
  noInput: 66,
  /** The service is unreachable or refuses, or the grant fails verification (EX_UNAVAILABLE). */
  unavailable: 69,
  /** Expired, cancelled, revoked or lapsed: nobody said no; trying again may work (EX_TEMPFAIL). */
  ended: 75,
  /** Denied (EX_NOPERM). */
  denied: 77,
  /** `--wait` ran out (as `timeout` does). */
  timeout: 124,
  /** The command could not be found or started (as the shell does). */
  notFound: 127,
  /** Interrupted with Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

/** Bad usage: printed with the command's usage line, exits 64. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the CLI has already explained; carries the exit code to end with. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliExit';
  }
}

/** The exit code a shell gives a process that signal ended: 128 + its number (SIGINT → 130). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
