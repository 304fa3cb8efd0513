import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrl } from './logger.ts';
import { SettingError } from './setting-error.ts';

/** Where an unset REDIS_URL looks first: a Redis the machine already runs. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** What an unset REDIS_URL asks for when nothing answers and no binary is found: how to get one. */
const INSTALL_HINT =
  'install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`) and start again, or set REDIS_URL to a Redis you run';

/** The Redis the service uses, and how it came to be chosen. */
export interface ResolvedRedis {
  url: string;
  /** `REDIS_URL` as set; `default`: REDIS_URL unset and a Redis answered at the default address; `embedded`: started here. */
  source: 'REDIS_URL' | 'default' | 'embedded';
  /** Stops the embedded Redis (after every connection to it is closed); nothing for the others. */
  stop(): Promise<void>;
}

export interface ResolveRedisOptions {
  /** REDIS_URL, or undefined when unset. */
  url: string | undefined;
  dataDir: string;
  logger: Logger;
  /** Takes the DATA_DIR lock before an embedded Redis opens its files there. */
  claimDataDir: () => Promise<void>;
  /** Where an unset REDIS_URL looks first (default {@link DEFAULT_REDIS_URL}). */
  probeUrl?: string;
  /** The server binary, looked up on PATH (default `redis-server`). */
  command?: string;
}

/** What one PING at `url` found: a Redis, nothing, or something that refused (a password, say). */
async function probe(url: string, timeoutMs = 1500): Promise<'redis' | 'nothing' | { refused: string }> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch {
    client.disconnect();
    return 'nothing';
  }
  try {
    return (await client.ping()) === 'PONG' ? 'redis' : { refused: 'no PONG' };
  } catch (error) {
    return { refused: error instanceof Error ? error.message : String(error) };
  } finally {
    client.disconnect();
  }
}

/** The directory a running Redis works in (`CONFIG GET dir`), or null if it will not say. */
async function workingDir(url: string): Promise<string | null> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    const answer = (await client.config('GET', 'dir')) as string[];
    return answer[1] ?? null;
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** A free loopback TCP port. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

/** The last lines a child wrote, for the error when it does not come up. */
function tail(lines: string[]): string {
  return lines.slice(-5).join(' | ').trim();
}

/** Starts `command` on a free port with AOF persistence under `dir`, and waits until it answers PING. */
async function spawnRedis(
  command: string,
  dir: string,
  probeUrl: string,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(
    command,
    // AOF (fsync every second) is the persistence; RDB snapshots are off. Loopback only.
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
    // Its own process group: a Ctrl-C in the terminal reaches Greenlight, which stops Redis last.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const failed = new Promise<Error>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'ENOENT'
          ? new SettingError(
              'REDIS_URL',
              `REDIS_URL is not set, no Redis answers at ${redactUrl(probeUrl)}, and there is no ${command} on PATH to start a private one under DATA_DIR: ${INSTALL_HINT}`,
            )
          : new Error(`could not start ${command}: ${error.message}`),
      ),
    );
    child.once('exit', (code, signal) =>
      resolve(new Error(`${command} exited at startup (${signal ?? `code ${code}`}): ${tail(output)}`)),
    );
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const early = await Promise.race([failed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 100))]);
    if (early !== null) throw early;
    if ((await probe(url, 500)) === 'redis') return { child, url };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${command} did not answer on port ${port} within 15 s: ${tail(output)}`);
    }
  }
}

/** Stops a redis-server child gracefully (SIGTERM: it flushes the AOF), killing it after 10 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Asks a Redis we did not spawn (one a crashed run left behind) to shut down, flushing its AOF. */
async function shutdownAt(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.shutdown();
  } catch {
    // The connection closing is the answer to SHUTDOWN.
  } finally {
    client.disconnect();
  }
}

/**
 * Decides which Redis the service uses. REDIS_URL set: that one. Unset: a Redis answering at
 * 127.0.0.1:6379 if there is one; otherwise a private `redis-server` under `DATA_DIR/redis` on a free
 * loopback port, with AOF persistence, stopped with the service — for single-instance trials. A
 * private Redis left running by a run that crashed is recognised by its working directory and
 * adopted instead of started twice. Without a binary, the error says how to install one.
 */
export async function resolveRedis(options: ResolveRedisOptions): Promise<ResolvedRedis> {
  const { url, dataDir, logger, claimDataDir, probeUrl = DEFAULT_REDIS_URL, command = 'redis-server' } = options;
  const nothingToStop = async () => {};
  if (url !== undefined) return { url, source: 'REDIS_URL', stop: nothingToStop };

  const found = await probe(probeUrl);
  if (found === 'redis') {
    logger.info(
      { redis: redactUrl(probeUrl) },
      'REDIS_URL is not set: using the Redis answering at the default address',
    );
    return { url: probeUrl, source: 'default', stop: nothingToStop };
  }
  if (found !== 'nothing') {
    throw new SettingError(
      'REDIS_URL',
      `REDIS_URL is not set and the Redis at ${redactUrl(probeUrl)} refused PING (${found.refused}): set REDIS_URL, with its password if it has one`,
    );
  }

  await claimDataDir();
  const dir = path.resolve(dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  const stateFile = path.join(dir, 'embedded.json');
  const warning = (at: string) =>
    `REDIS_URL is not set and no Redis answers at ${redactUrl(probeUrl)}: ${at}, its data (AOF) under DATA_DIR/redis — for single-instance trials only; set REDIS_URL in production`;

  // A private Redis a crashed run left behind still works in our directory: use it, do not start a second.
  const previous = await readFile(stateFile, 'utf8').then(
    (text) => (JSON.parse(text) as { url?: unknown }).url,
    () => undefined,
  );
  if (typeof previous === 'string' && (await probe(previous, 500)) === 'redis') {
    const [theirs, ours] = await Promise.all([workingDir(previous), realpath(dir)]);
    if (theirs === ours) {
      logger.warn({ redis: previous }, warning('adopted the private redis-server a previous run left running'));
      return {
        url: previous,
        source: 'embedded',
        stop: async () => {
          await shutdownAt(previous);
          await rm(stateFile, { force: true });
        },
      };
    }
  }

  const { child, url: started } = await spawnRedis(command, dir, probeUrl);
  await writeFile(stateFile, `${JSON.stringify({ url: started, pid: child.pid })}\n`);
  logger.warn({ redis: started, pid: child.pid }, warning('started a private redis-server'));
  return {
    url: started,
    source: 'embedded',
    stop: async () => {
      await stopChild(child);
      await rm(stateFile, { force: true });
    },
  };
}
