import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../../src/platform/db.ts';
import { migrate } from '../../../src/platform/migrate.ts';
import { clearCaches, createCaches } from '../../../src/services/caches.ts';
import { createRule, deleteRule, listRules, moveRule } from '../../../src/services/routing/rules-store.ts';
import { createTestDatabase, query, type TestDatabase } from '../../support/database.ts';
import { ruleInput } from '../../support/rules.ts';

const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };
const MIGRATIONS = new URL('../../../prisma/migrations/', import.meta.url).pathname;
const UNIQUE_PRIORITY = '20261124000000_unique_rule_priority';

describe('rule priorities are unique', () => {
  let database: TestDatabase;
  let db: Db;
  const caches = createCaches();
  const deps = () => ({ db, caches });

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrate({ url: database.url });
    // Fewer connections than concurrent changes: adds queue for a connection and then for the order lock.
    db = createDb({ url: database.url, poolSize: 4 });
  });
  afterAll(async () => {
    clearCaches(caches);
    await db?.$disconnect();
    await database?.drop();
  });

  const names = async () => (await listRules(db)).map((rule) => rule.name);

  it('20 rules added at once get 20 distinct priorities 1..20; moving up and down still works', async () => {
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createRule(deps(), ADMIN, ruleInput({ name: `rule ${i}` }))),
    );
    expect(created.map((rule) => rule.priority).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );

    const order = await names();
    const [first, second, third] = order;
    await moveRule(deps(), ADMIN, (await listRules(db))[1]?.id ?? '', 'up');
    expect((await names()).slice(0, 3)).toEqual([second, first, third]);
    await moveRule(deps(), ADMIN, (await listRules(db))[0]?.id ?? '', 'down');
    expect(await names()).toEqual(order);
    // Moving concurrently while adding keeps priorities unique and dense enough to order.
    const rules = await listRules(db);
    await Promise.all([
      ...rules.slice(0, 6).map((rule, i) => moveRule(deps(), ADMIN, rule.id, i % 2 === 0 ? 'down' : 'up')),
      createRule(deps(), ADMIN, ruleInput({ name: 'late' })),
    ]);
    const after = await listRules(db);
    expect(new Set(after.map((rule) => rule.priority)).size).toBe(21);
    expect(after.at(-1)?.name).toBe('late');
    for (const rule of after) await deleteRule(deps(), ADMIN, rule.id);
  });

  it('the database itself refuses a second rule with the same priority', async () => {
    const rule = await createRule(deps(), ADMIN, ruleInput({ name: 'only' }));
    await expect(
      query(
        database.url,
        `INSERT INTO routing_rules (id, name, priority, approvers, environments, created_by)
         VALUES (gen_random_uuid(), 'twin', $1, '{}', '{}', 'test')`,
        [rule.priority],
      ),
    ).rejects.toThrow(/routing_rules_priority_key/);
    await deleteRule(deps(), ADMIN, rule.id);
  });

  it('the migration renumbers existing duplicate priorities 1..n in the order routing used', async () => {
    const old = await createTestDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), 'greenlight-migrations-'));
    try {
      for (const name of await readdir(MIGRATIONS)) {
        if (name < UNIQUE_PRIORITY) await cp(path.join(MIGRATIONS, name), path.join(dir, name), { recursive: true });
      }
      await migrate({ url: old.url, dir });
      await query(
        old.url,
        `INSERT INTO routing_rules (id, name, priority, approvers, environments, created_by, created_at)
         VALUES (gen_random_uuid(), 'b', 5, '{}', '{}', 't', now() - interval '2 minutes'),
                (gen_random_uuid(), 'c', 5, '{}', '{}', 't', now() - interval '1 minute'),
                (gen_random_uuid(), 'a', 2, '{}', '{}', 't', now()),
                (gen_random_uuid(), 'd', 9, '{}', '{}', 't', now())`,
      );
      expect((await migrate({ url: old.url })).applied[0]).toBe(UNIQUE_PRIORITY);
      const rows = await query<{ name: string; priority: number }>(
        old.url,
        'SELECT name, priority FROM routing_rules ORDER BY priority',
      );
      expect(rows).toEqual([
        { name: 'a', priority: 1 },
        { name: 'b', priority: 2 },
        { name: 'c', priority: 3 },
        { name: 'd', priority: 4 },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await old.drop();
    }
  });
});
