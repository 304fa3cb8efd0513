import { afterEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/platform/db.ts';
import { useTestDatabase } from '../../support/database.ts';

describe('createDb reports how long each checkout waited for a pool connection', () => {
  const database = useTestDatabase();
  let db: Db | undefined;
  afterEach(async () => {
    await db?.$disconnect();
    db = undefined;
  });

  it('a query behind a transaction holding the only connection waits as long as it is held', async () => {
    const waits: number[] = [];
    db = createDb({ url: database.current.url, poolSize: 1, onConnectionWait: (seconds) => waits.push(seconds) });
    const client = db;
    await client.$queryRaw`SELECT 1`;
    expect(waits).toHaveLength(1);

    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inside: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const transaction = client.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 2`;
      inside();
      await held;
    });
    await started;
    const checkouts = waits.length;
    // A Prisma query runs when first awaited: `then` sends it now.
    const queued = client.$queryRaw`SELECT 3`.then((rows) => rows);
    // The connection stays held for at least this long, so the query behind it waits at least as long.
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await Promise.all([transaction, queued]);

    const after = waits.slice(checkouts);
    expect(after).toHaveLength(1);
    expect(after[0]).toBeGreaterThanOrEqual(0.19);
    // The transaction's own checkout found the connection free.
    expect(waits.slice(0, checkouts).every((seconds) => seconds < 0.19)).toBe(true);
  });

  it('without an observer the pool is pg’s own and works the same', async () => {
    db = createDb({ url: database.current.url, poolSize: 2 });
    const [row] = await db.$queryRaw<Array<{ n: number }>>`SELECT 41 + 1 AS n`;
    expect(row?.n).toBe(42);
  });
});
