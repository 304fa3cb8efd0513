import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { withTimeout } from './timeout.ts';

export type Db = InstanceType<typeof PrismaClient>;

export interface DbOptions {
  url: string;
  poolSize: number;
  /** Optional PostgreSQL schema (search_path); tests isolate themselves with one. */
  schema?: string;
  /**
   * Told, in seconds, how long each checkout of a pool connection waited (greenlight_db_pool_wait_seconds):
   * a wait means every connection was busy, the first sign that one kind of work starves another.
   */
  onConnectionWait?: (seconds: number) => void;
}

type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

/**
 * node-postgres' pool, timing each checkout from the request to the connection (or the error).
 * Prisma checks out through `connect` for every query and transaction, pg's own `query` included.
 */
class TimedPool extends pg.Pool {
  readonly #onWait: (seconds: number) => void;

  constructor(config: pg.PoolConfig, onWait: (seconds: number) => void) {
    super(config);
    this.#onWait = onWait;
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | undefined {
    const started = performance.now();
    const waited = () => this.#onWait((performance.now() - started) / 1000);
    if (callback === undefined) return super.connect().finally(waited);
    super.connect((error, client, done) => {
      waited();
      callback(error, client, done);
    });
    return undefined;
  }
}

/**
 * Builds a Prisma client over its own node-postgres pool. The pool gives up on a connection after
 * 5 s instead of waiting forever (pg's default), so a down database fails requests and readiness
 * checks instead of hanging them. The app builds two in one process running workers (see app.ts):
 * jobs never hold the connections HTTP and Slack interactions need.
 */
export function createDb({ url, poolSize, schema, onConnectionWait }: DbOptions): Db {
  const config: pg.PoolConfig = {
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  };
  // The adapter ends a pool it was handed when the client disconnects (disposeExternalPool).
  const adapter = new PrismaPg(onConnectionWait === undefined ? config : new TimedPool(config, onConnectionWait), {
    ...(schema === undefined ? {} : { schema }),
    disposeExternalPool: true,
  });
  // Interactive transactions wait for a pool connection up to maxWait (Prisma's default, 2 s, failed
  // clicks in bursts with "Unable to start a transaction"); a bounded wait still keeps a stuck pool visible.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 15_000 } });
}

/** Answers whether PostgreSQL responds within `timeoutMs`. */
export async function pingDb(db: Db, timeoutMs = 2000): Promise<boolean> {
  try {
    await withTimeout(db.$queryRaw`SELECT 1`, timeoutMs);
    return true;
  } catch {
    return false;
  }
}

/** Which pool a connection checkout waited in: HTTP and Slack interactions, or the queue workers. */
export type DbPoolName = 'http' | 'jobs';

/**
 * The pools an instance uses. One process serving HTTP and running the queues (`ROLE=all`) on a real
 * PostgreSQL gives the workers a pool of their own, of the same size, so a click never waits for a
 * connection behind jobs (docs/benchmarks-acks.md); `jobsDb` is `db` otherwise. The embedded PGlite
 * serves one session at a time whatever the pools, so it keeps one, of 4.
 */
export function createDbPools(
  config: { ROLE: 'all' | 'web' | 'worker'; DATABASE_URL?: string | undefined; DATABASE_POOL_SIZE: number },
  url: string,
  onConnectionWait: (pool: DbPoolName, seconds: number) => void,
): { db: Db; jobsDb: Db } {
  const embedded = config.DATABASE_URL === undefined;
  const db = createDb({
    url,
    poolSize: embedded ? 4 : config.DATABASE_POOL_SIZE,
    onConnectionWait: (seconds) => onConnectionWait('http', seconds),
  });
  const jobsDb =
    config.ROLE === 'all' && !embedded
      ? createDb({
          url,
          poolSize: config.DATABASE_POOL_SIZE,
          onConnectionWait: (seconds) => onConnectionWait('jobs', seconds),
        })
      : db;
  return { db, jobsDb };
}
