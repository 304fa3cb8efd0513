import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/platform/db.ts';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../../../src/platform/embedded-db.ts';

const CLIENTS = 24;

/**
 * The embedded PostgreSQL (PGlite) is one session served to many connections. Before it handed the
 * session to one connection at a time, concurrent parameterized queries bound one connection's
 * parameters to another's statement (08P01, 26000, 34000) and transactions ran inside each other.
 */
describe('the embedded database under concurrency', () => {
  let dataDir: string;
  let embedded: EmbeddedDatabase;
  let db: Db;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'greenlight-data-'));
    embedded = await startEmbeddedDatabase(dataDir);
    // The app's driver path: Prisma over @prisma/adapter-pg with a pool as wide as the burst.
    db = createDb({ url: embedded.url, poolSize: CLIENTS });
    await db.$executeRawUnsafe('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
    await db.$executeRawUnsafe('INSERT INTO counter VALUES (1, 0)');
  });
  afterAll(async () => {
    await db?.$disconnect();
    await embedded?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers each of many concurrent parameterized queries with its own parameters', async () => {
    // Different parameter counts per query, so a Bind landing on another client's Parse cannot pass.
    const results = await Promise.allSettled(
      Array.from({ length: CLIENTS * 4 }, async (_, i) => {
        const arity = 1 + (i % 3);
        const params = Array.from({ length: arity }, (_, k) => `${i}-${k}`);
        const sql = `SELECT concat_ws(',', ${params.map((_, k) => `$${k + 1}::text`).join(', ')}) AS v`;
        const rows = await db.$queryRawUnsafe<{ v: string }[]>(sql, ...params);
        return { expected: params.join(','), got: rows[0]?.v };
      }),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(failures).toEqual([]);
    for (const r of results) {
      if (r.status === 'fulfilled') expect(r.value.got).toBe(r.value.expected);
    }
  });

  it('runs concurrent interactive transactions each in isolation: no lost updates, no rows from another', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: CLIENTS }, () =>
        db.$transaction(async (tx) => {
          const [row] = await tx.$queryRawUnsafe<{ n: number }[]>('SELECT n FROM counter WHERE id = $1', 1);
          await tx.$executeRawUnsafe('UPDATE counter SET n = $1 WHERE id = $2', (row?.n ?? 0) + 1, 1);
        }),
      ),
    );
    expect(results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))).toEqual([]);
    const [row] = await db.$queryRawUnsafe<{ n: number }[]>('SELECT n FROM counter WHERE id = $1', 1);
    expect(row?.n).toBe(CLIENTS);
  });

  it('hands a clean session on when a client disconnects mid-transaction', async () => {
    const quitter = new pg.Client({ connectionString: embedded.url });
    await quitter.connect();
    await quitter.query('BEGIN');
    await quitter.query('UPDATE counter SET n = -1 WHERE id = $1', [1]);
    // Another client waits for the session meanwhile, and gets it once the first one is gone.
    const waiting = db.$queryRawUnsafe<{ n: number }[]>('SELECT n FROM counter WHERE id = $1', 1);
    await quitter.end();
    const [row] = await waiting;
    expect(row?.n).toBe(CLIENTS);
  });
});
