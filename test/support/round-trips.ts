import net from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { REDIS_URL } from './run.ts';

/**
 * Counting what a unit of work costs on the wire, in the spirit of Django's `assertNumQueries`:
 * a pass-through TCP proxy in front of PostgreSQL and one in front of Redis. The app under test is
 * pointed at the proxies (DATABASE_URL, REDIS_URL) and nothing of ours is instrumented, so what is
 * counted is exactly what the servers receive.
 *
 * - PostgreSQL: one statement per simple-protocol `Query` message and per extended-protocol
 *   `Execute` message (what the `pg` driver under Prisma's adapter sends for each parameterized
 *   query); `BEGIN`/`COMMIT` count, as they are round trips too.
 * - Redis: one command per RESP array a client sends (a pipeline of five is five); `EVALSHA`,
 *   `EVAL` and `FCALL` are also counted as scripts (BullMQ's Lua scripts). What idle workers send
 *   on their own schedule is counted apart as background (see {@link isBackground}).
 */
export interface RoundTrips {
  statements: number;
  commands: number;
  scripts: number;
  /** The text of each statement counted, in order (for the message of a failing budget). */
  statementTexts: string[];
  /** Each command's name (upper case; a script with the last part of its first key), in order. */
  commandNames: string[];
  /** Commands an idle worker sends on its own schedule (blocking waits, stalled-job checks), not counted above. */
  background: number;
}

export interface CountingProxies {
  /** DATABASE_URL and REDIS_URL pointing through the proxies. */
  env: { DATABASE_URL: string; REDIS_URL: string };
  /** What was counted since the last {@link reset}. */
  counts(): RoundTrips;
  reset(): void;
  /** Runs `work` and returns what it cost (counts reset first). */
  measure(work: () => Promise<unknown>): Promise<RoundTrips>;
  close(): Promise<void>;
}

const SCRIPT_COMMANDS = new Set(['EVALSHA', 'EVAL', 'EVALSHA_RO', 'EVAL_RO', 'FCALL', 'FCALL_RO']);
/** PostgreSQL's protocol 3.0 StartupMessage code; SSLRequest/GSSENCRequest/CancelRequest use others. */
const PROTOCOL_3 = 196608;

/** Reads the PostgreSQL frontend stream and reports each statement the server is asked to run. */
function pgFrontendParser(onStatement: (text: string) => void): (chunk: Buffer) => void {
  let buffered: Buffer = Buffer.alloc(0);
  let started = false;
  // Text of the statement parsed last, per statement name: an Execute runs the portal bound to it.
  const parsed = new Map<string, string>();
  let bound = '';
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      if (!started) {
        if (buffered.length < 8) return;
        const length = buffered.readInt32BE(0);
        if (buffered.length < length) return;
        if (buffered.readInt32BE(4) === PROTOCOL_3) started = true;
        buffered = buffered.subarray(length);
        continue;
      }
      if (buffered.length < 5) return;
      const length = buffered.readInt32BE(1);
      if (buffered.length < 1 + length) return;
      const type = String.fromCharCode(buffered[0] ?? 0);
      const body = buffered.subarray(5, 1 + length);
      buffered = buffered.subarray(1 + length);
      if (type === 'Q') onStatement(cString(body, 0).text);
      else if (type === 'P') {
        const name = cString(body, 0);
        parsed.set(name.text, cString(body, name.next).text);
      } else if (type === 'B') {
        const portal = cString(body, 0);
        bound = parsed.get(cString(body, portal.next).text) ?? '';
      } else if (type === 'E') onStatement(bound);
    }
  };
}

function cString(body: Buffer, start: number): { text: string; next: number } {
  const end = body.indexOf(0, start);
  const stop = end === -1 ? body.length : end;
  return { text: body.toString('utf8', start, stop), next: stop + 1 };
}

/** Reads a Redis client's RESP stream and reports each command: its name and its first few arguments. */
function respParser(onCommand: (args: string[]) => void): (chunk: Buffer) => void {
  let buffered: Buffer = Buffer.alloc(0);
  const line = (from: number): { text: string; next: number } | null => {
    const end = buffered.indexOf('\r\n', from);
    return end === -1 ? null : { text: buffered.toString('latin1', from, end), next: end + 2 };
  };
  // Parses one whole command from the start of the buffer, or null if it has not all arrived.
  const one = (): { args: string[]; size: number } | null => {
    const header = line(0);
    if (header === null) return null;
    if (!header.text.startsWith('*')) {
      // An inline command (telnet style): the whole line is the command.
      return { args: header.text.trim().split(/\s+/), size: header.next };
    }
    const count = Number(header.text.slice(1));
    let at = header.next;
    const args: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const sizeLine = line(at);
      if (sizeLine === null) return null;
      const size = Number(sizeLine.text.slice(1));
      const end = sizeLine.next + size + 2;
      if (buffered.length < end) return null;
      if (i < 8)
        args.push(buffered.toString('latin1', sizeLine.next, Math.min(sizeLine.next + size, sizeLine.next + 200)));
      at = end;
    }
    return { args, size: at };
  };
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      const command = one();
      if (command === null) return;
      buffered = buffered.subarray(command.size);
      onCommand(command.args);
    }
  };
}

/**
 * What an idle BullMQ worker sends on its own schedule, whatever the app is doing: the blocking
 * wait for the next job, and the periodic check for stalled jobs (the one script whose keys
 * include the queue's `stalled-check` key; BullMQ's `moveStalledJobsToWait`). Counted apart, so a budget measures the unit of work and not the clock.
 */
function isBackground(name: string, args: string[]): boolean {
  if (name === 'BZPOPMIN' || name === 'BRPOPLPUSH') return true;
  return SCRIPT_COMMANDS.has(name) && args.some((arg) => arg.endsWith(':stalled-check'));
}

interface Proxy {
  port: number;
  close(): Promise<void>;
}

/** A TCP pass-through to `target` that shows every byte a client sends to `inspect` (one per connection). */
async function startProxy(target: { host: string; port: number }, inspect: () => (chunk: Buffer) => void) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    const look = inspect();
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      look(chunk);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  } satisfies Proxy;
}

function throughProxy(url: string, port: number): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return proxied.toString();
}

/** Starts counting proxies in front of the database at `databaseUrl` and the Redis at `redisUrl`. */
export async function startCountingProxies(databaseUrl: string, redisUrl: string): Promise<CountingProxies> {
  let counts: RoundTrips = empty();
  const database = new URL(databaseUrl);
  const redis = new URL(redisUrl);
  const pg = await startProxy({ host: database.hostname, port: Number(database.port || 5432) }, () =>
    pgFrontendParser((text) => {
      counts.statements += 1;
      counts.statementTexts.push(text);
    }),
  );
  const rd = await startProxy({ host: redis.hostname, port: Number(redis.port || 6379) }, () =>
    respParser(([command = '', ...args]) => {
      const name = command.toUpperCase();
      // A script's first key follows its sha (or body) and key count; another command's is its first argument.
      const firstKey = (SCRIPT_COMMANDS.has(name) ? args[2] : args[0]) ?? '';
      if (isBackground(name, args)) {
        counts.background += 1;
        return;
      }
      counts.commands += 1;
      counts.commandNames.push(
        SCRIPT_COMMANDS.has(name) && firstKey !== ''
          ? `${name}(${(firstKey.split(':').pop() ?? '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>')})`
          : name,
      );
      if (SCRIPT_COMMANDS.has(name)) counts.scripts += 1;
    }),
  );
  const reset = () => {
    counts = empty();
  };
  return {
    env: { DATABASE_URL: throughProxy(databaseUrl, pg.port), REDIS_URL: throughProxy(redisUrl, rd.port) },
    counts: () => counts,
    reset,
    async measure(work) {
      reset();
      await work();
      // A copy: what happens after `work` must not change what it is reported to have cost.
      return structuredClone(counts);
    },
    close: async () => {
      await Promise.all([pg.close(), rd.close()]);
    },
  };
}

function empty(): RoundTrips {
  return { statements: 0, commands: 0, scripts: 0, statementTexts: [], commandNames: [], background: 0 };
}

/** A one-line summary of what was counted, for a failing budget's message. */
export function describeRoundTrips(trips: RoundTrips): string {
  const tally = (names: string[]) => {
    const byName = new Map<string, number>();
    for (const name of names) byName.set(name, (byName.get(name) ?? 0) + 1);
    return [...byName].map(([name, n]) => `${n}× ${name}`).join(', ');
  };
  const statements = trips.statementTexts.map((text) => text.replace(/\s+/g, ' ').slice(0, 100));
  return `${trips.statements} statements:\n  ${statements.join('\n  ')}\n${trips.commands} Redis commands (${trips.scripts} scripts): ${tally(trips.commandNames)}; ${trips.background} background`;
}

/**
 * Creates a database and counting proxies in front of it and the test Redis before the enclosing
 * describe block's tests, and removes both after them. Register it before `useTestApp` so the app
 * can be started through `env` (DATABASE_URL and REDIS_URL through the proxies) on `database`.
 */
export function useCountingProxies(): { readonly proxies: CountingProxies; readonly database: TestDatabase } {
  let database: TestDatabase | undefined;
  let proxies: CountingProxies | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    proxies = await startCountingProxies(database.url, REDIS_URL);
  });
  afterAll(async () => {
    await proxies?.close();
    await database?.drop();
  });
  const live = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useCountingProxies(): only inside tests and hooks registered after it');
    return value;
  };
  return {
    get proxies() {
      return live(proxies);
    },
    get database() {
      return live(database);
    },
  };
}
