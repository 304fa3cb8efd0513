import { Writable } from 'node:stream';

/** One JSON log line as pino wrote it. */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/**
 * A pino destination for tests: keeps every line the app writes, as text (to look for what must
 * never appear) and parsed.
 */
export class LogCapture {
  private text = '';
  readonly stream = new Writable({
    write: (chunk: Buffer | string, _encoding, done) => {
      this.text += chunk.toString();
      done();
    },
  });

  /** Everything written so far. */
  get raw(): string {
    return this.text;
  }

  /** Every complete line, parsed. */
  get lines(): LogLine[] {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);
  }

  /** The lines whose message is `msg`. */
  withMessage(msg: string): LogLine[] {
    return this.lines.filter((line) => line.msg === msg);
  }
}
