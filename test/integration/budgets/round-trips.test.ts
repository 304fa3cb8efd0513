import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useCountingProxies } from '../../support/round-trips.ts';
import { uniquePrefix } from '../../support/run.ts';

/** The counting proxies count exactly what reaches the servers, so budgets built on them mean something. */
describe('counting round trips through the proxies', () => {
  const counting = useCountingProxies();

  it('counts each simple and each parameterized statement, a transaction’s BEGIN and COMMIT included', async () => {
    const client = new pg.Client({ connectionString: counting.proxies.env.DATABASE_URL });
    await client.connect();
    try {
      const trips = await counting.proxies.measure(async () => {
        await client.query('SELECT 1');
        await client.query('BEGIN');
        await client.query('SELECT $1::int AS n', [2]);
        await client.query({ name: 'named', text: 'SELECT $1::text AS t', values: ['x'] });
        await client.query({ name: 'named', text: 'SELECT $1::text AS t', values: ['y'] });
        await client.query('COMMIT');
      });
      expect(trips.statements).toBe(6);
      expect(trips.statementTexts).toEqual([
        'SELECT 1',
        'BEGIN',
        'SELECT $1::int AS n',
        'SELECT $1::text AS t',
        'SELECT $1::text AS t',
        'COMMIT',
      ]);
    } finally {
      await client.end();
    }
  });

  it('counts each command of a pipeline, and scripts apart', async () => {
    const prefix = uniquePrefix();
    const redis = new Redis(counting.proxies.env.REDIS_URL, { lazyConnect: true });
    await redis.connect();
    try {
      const big = 'v'.repeat(200_000); // split across many TCP chunks
      const trips = await counting.proxies.measure(async () => {
        await redis.pipeline().set(`${prefix}:a`, big).get(`${prefix}:a`).del(`${prefix}:a`).exec();
        await redis.eval('return 1', 0);
      });
      expect(trips.commandNames).toEqual(['SET', 'GET', 'DEL', 'EVAL']);
      expect([trips.commands, trips.scripts]).toEqual([4, 1]);
    } finally {
      redis.disconnect();
    }
  });
});
