import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './process.ts';

/** The built CLI, what the package's `bin` points at. */
export const CLI = path.join(ROOT, 'dist', 'cli', 'greenlight.js');

/** One run of the `greenlight` CLI as a separate process. */
export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (and signal) once the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first match of `pattern` in stderr, once it has been printed. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** Fails clearly when the CLI (or another built script) is missing: run `npm run build`, which `npm test` runs first. */
export function assertBuilt(script = CLI): void {
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first`);
}

/** The built `npm run audit:verify` script. */
export const AUDIT_VERIFY = path.join(ROOT, 'dist', 'cli', 'audit-verify.js');

/**
 * Runs `node dist/cli/greenlight.js args…` with exactly `env` (plus PATH), stdin closed and output
 * captured: as a CI step runs it, with no terminal.
 */
export function runCli(args: string[], env: Record<string, string>, cwd = ROOT): CliRun {
  return runNodeScript(CLI, args, env, cwd);
}

/** Runs a built script (`node <script> args…`) the way {@link runCli} runs the CLI. */
export function runNodeScript(script: string, args: string[], env: Record<string, string>, cwd = ROOT): CliRun {
  const child = spawn(process.execPath, [script, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const listener of [...listeners]) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForStderr(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = stderr.match(pattern);
          if (match === null) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`stderr ${pattern} not seen within ${timeoutMs} ms; stderr:\n${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (!listeners.has(check)) return;
          check();
          if (!listeners.has(check)) return;
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`the CLI exited before printing ${pattern}; stderr:\n${stderr}`));
        });
        check();
      });
    },
  };
}
