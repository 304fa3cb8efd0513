import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { withTimeout } from './timeout.ts';

export type Db = InstanceType<typeof PrismaClient>;

export interface DbOptions {
  url: string;
  poolSize: number;
  /** Optional PostgreSQL schema (search_path); tests isolate themselves with one. */
  schema?: string;
}

/**
 * Builds the one Prisma client of the process over node-postgres. The pool gives up on a
 * connection after 5 s instead of waiting forever (pg's default), so a down database fails
 * requests and readiness checks instead of hanging them.
 */
export function createDb({ url, poolSize, schema }: DbOptions): Db {
  const adapter = new PrismaPg(
    { connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 },
    schema === undefined ? undefined : { schema },
  );
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
