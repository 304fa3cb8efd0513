import { signalExitCode } from './exit-codes.ts';

/** Ctrl-C or a CI's termination arrived: what the CLI was waiting on is to be withdrawn. */
export class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted (${signal})`);
    this.name = 'Interrupted';
  }

  /** The shell's exit code for this signal (SIGINT → 130). */
  get exitCode(): number {
    return signalExitCode(this.signal);
  }
}

/** SIGINT and SIGTERM while they are watched, as an AbortSignal the waits take. */
export interface Interrupts {
  signal: AbortSignal;
  /** The Interrupted error when a signal came, else null. */
  received(): Interrupted | null;
  /** Stops watching: the signals' default (or whoever handles them next) applies again. */
  stop(): void;
}

const WATCHED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Turns SIGINT and SIGTERM into an abort, so the CLI can withdraw its request before it exits. A
 * second signal while that clean-up runs exits at once.
 */
export function watchInterrupts(): Interrupts {
  const controller = new AbortController();
  let received: Interrupted | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received !== null) process.exit(new Interrupted(signal).exitCode);
    received = new Interrupted(signal);
    controller.abort(received);
  };
  for (const signal of WATCHED) process.on(signal, onSignal);
  return {
    signal: controller.signal,
    received: () => received,
    stop() {
      for (const signal of WATCHED) process.off(signal, onSignal);
    },
  };
}
