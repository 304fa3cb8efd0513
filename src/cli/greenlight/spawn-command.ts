import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** How the gated command ended. */
export interface CommandResult {
  /** 0–255, or null when a signal ended it (or it never started). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** Why it could not be started (ENOENT, EACCES …), when it could not. */
  startError: Error | null;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether `command` can be started: a path to an executable file, or a name found on PATH (as the
 * shell looks it up). Checked before asking for approval, so approvers are not asked for a typo.
 */
export function isRunnable(command: string, env: Record<string, string | undefined>): boolean {
  if (command.includes('/')) return isExecutableFile(command);
  return (env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && isExecutableFile(path.join(dir, command)));
}

/** Forwarded to the command: termination a CI sends to this process alone. */
const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];

/**
 * Runs `argv` without a shell, stdio inherited, with `env`. SIGTERM and SIGHUP sent to the CLI are
 * passed on to the command. So is SIGINT when no terminal is attached: at a terminal, Ctrl-C
 * already reaches the command (it is in the same process group), and passing it on again would
 * make many tools (terraform among them) abort hard instead of stopping cleanly.
 */
export function runCommand(argv: string[], env: Record<string, string | undefined>): Promise<CommandResult> {
  const [command = '', ...args] = argv;
  const started = performance.now();
  const forwarded = process.stdin.isTTY === true ? FORWARDED : [...FORWARDED, 'SIGINT' as const];
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    const pass = (signal: NodeJS.Signals) => child.kill(signal);
    const ignore = () => {};
    for (const signal of forwarded) process.on(signal, pass);
    // Ctrl-C at a terminal reaches the command; this process waits for it to end instead of dying first.
    if (!forwarded.includes('SIGINT')) process.on('SIGINT', ignore);
    const done = (result: Omit<CommandResult, 'durationMs'>) => {
      for (const signal of forwarded) process.off(signal, pass);
      process.off('SIGINT', ignore);
      resolve({ ...result, durationMs: Math.round(performance.now() - started) });
    };
    child.once('error', (error) => done({ exitCode: null, signal: null, startError: error }));
    child.once('exit', (exitCode, signal) => done({ exitCode, signal, startError: null }));
  });
}
