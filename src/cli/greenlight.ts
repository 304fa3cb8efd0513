#!/usr/bin/env node
import { isInteractive } from './greenlight/io.ts';
import { main } from './greenlight/main.ts';

/** Exits once stdout and stderr have flushed, so a piped grant token or last message is never cut off. */
function exitWhenFlushed(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

const io = {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  interactive: isInteractive(process.env),
};
main(process.argv.slice(2), io).then(exitWhenFlushed, (error: unknown) => {
  process.stderr.write(`greenlight: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exitWhenFlushed(70);
});
