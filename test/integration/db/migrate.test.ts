import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../src/platform/data-dir-lock.ts';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../../../src/platform/migrate.ts';
import { createMigratedTestDatabase, query, useTestDatabase } from '../../support/database.ts';
import { ROOT } from '../../support/process.ts';

/**
 * Runs the built migration CLI (`node dist/cli/migrate.js`, what `npm run db:migrate` runs) with
 * exactly `env` — not even PATH — from an empty directory, so no developer `.env` leaks in.
 */
async function runMigrateCli(env: Record<string, string>): Promise<{ code: number; output: string }> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'greenlight-migrate-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'dist', 'cli', 'migrate.js')],
      { cwd, env },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : Number(error.code), output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('migration runner', () => {
  const database = useTestDatabase('test');

  it('applies every migration to an empty database and records it as Prisma Migrate does', async () => {
    const migrations = await readMigrations();
    const result = await migrate({ url: database.current.url });
    expect(result.applied).toEqual(migrations.map((m) => m.name));

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(database.current.url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
    expect(rows).toHaveLength(migrations.length);
    for (const [index, migration] of migrations.entries()) {
      const file = await readFile(path.join(MIGRATIONS_DIR, migration.name, 'migration.sql'));
      const row = rows[index];
      expect(row?.migration_name).toBe(migration.name);
      expect(row?.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row?.finished_at).toBeInstanceOf(Date);
      expect(row?.rolled_back_at).toBeNull();
      expect(row?.applied_steps_count).toBe(1);
    }
  });

  it('is a no-op the second time', async () => {
    await migrate({ url: database.current.url });
    const again = await migrate({ url: database.current.url });
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.length).toBeGreaterThan(0);
    const [{ count }] = (await query<{ count: string }>(
      database.current.url,
      'SELECT count(*) FROM "_prisma_migrations"',
    )) as [{ count: string }];
    expect(Number(count)).toBe(again.alreadyApplied.length);
  });

  it('copies of the run’s template (the test apps’ databases) have every migration applied, each its own', async () => {
    const migrations = await readMigrations();
    const [a, b] = await Promise.all([createMigratedTestDatabase(), createMigratedTestDatabase()]);
    try {
      for (const copy of [a, b]) {
        const result = await migrate({ url: copy.url });
        expect(result).toEqual({ applied: [], alreadyApplied: migrations.map((m) => m.name) });
      }
      // Separate databases: what one test writes in its copy is not in another's.
      await query(a.url, 'CREATE TABLE only_in_a (id int)');
      expect(await query(b.url, "SELECT to_regclass('only_in_a') AS found")).toEqual([{ found: null }]);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });

  it('applies each migration exactly once when several instances start together', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate({ url: database.current.url })));
    const appliedCounts = results.map((r) => r.applied.length).sort();
    const total = (await readMigrations()).length;
    expect(appliedCounts).toEqual([0, 0, 0, total]);
    const rows = await query(database.current.url, 'SELECT 1 FROM "_prisma_migrations"');
    expect(rows).toHaveLength(total);
  });

  it('rolls a failing migration back, records why, and applies nothing of it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gl-migrations-'));
    await mkdir(path.join(dir, '001_ok'));
    await writeFile(path.join(dir, '001_ok', 'migration.sql'), 'CREATE TABLE ok_table (id int);');
    await mkdir(path.join(dir, '002_bad'));
    await writeFile(
      path.join(dir, '002_bad', 'migration.sql'),
      'CREATE TABLE half_table (id int);\nSELECT * FROM no_such_table;',
    );
    await expect(migrate({ url: database.current.url, dir })).rejects.toThrow(/002_bad failed and was rolled back/);

    const tables = await query<{ table_name: string }>(
      database.current.url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('ok_table', 'half_table')",
    );
    expect(tables.map((t) => t.table_name)).toEqual(['ok_table']);
    const rows = await query<{ migration_name: string; logs: string | null; rolled_back_at: Date | null }>(
      database.current.url,
      'SELECT migration_name, logs, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(['001_ok', '002_bad']);
    expect(rows[1]?.logs).toMatch(/no_such_table/);
    expect(rows[1]?.rolled_back_at).toBeInstanceOf(Date);

    // Fixed, the migration is applied on the next run.
    await writeFile(path.join(dir, '002_bad', 'migration.sql'), 'CREATE TABLE half_table (id int);');
    const retry = await migrate({ url: database.current.url, dir });
    expect(retry.applied).toEqual(['002_bad']);
  });

  it('makes the audit trail append-only at the database', async () => {
    await migrate({ url: database.current.url });
    await query(database.current.url, `INSERT INTO audit_events (type, actor_type) VALUES ('test.event', 'system')`);
    await expect(query(database.current.url, `UPDATE audit_events SET type = 'rewritten'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(query(database.current.url, 'DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(query(database.current.url, 'TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    const rows = await query<{ type: string }>(database.current.url, 'SELECT type FROM audit_events');
    expect(rows).toEqual([{ type: 'test.event' }]);
  });

  it('the CLI migrates with only DATABASE_URL set: no Slack or Redis setting is needed', async () => {
    const { code, output } = await runMigrateCli({ DATABASE_URL: database.current.url });
    expect(output).toMatch(/migration\(s\) applied/);
    expect(code).toBe(0);
    const rows = await query(database.current.url, 'SELECT 1 FROM "_prisma_migrations" WHERE finished_at IS NOT NULL');
    expect(rows).toHaveLength((await readMigrations()).length);
  });

  it('the CLI exits 78 naming a bad DATABASE_URL, its password hidden', async () => {
    const { code, output } = await runMigrateCli({ DATABASE_URL: 'mysql://gl:hunter2@db/gl', DATABASE_POOL_SIZE: 'x' });
    expect(code).toBe(78);
    expect(output).toBe(
      'greenlight: Invalid configuration:\n' +
        '  - DATABASE_URL must be a URL like postgresql://user:pass@host:5432/db (got "mysql://gl:***@db/gl")\n' +
        '  - DATABASE_POOL_SIZE "x" is not a number\n',
    );
  });

  it('the CLI leaves the embedded database alone while a running service holds DATA_DIR', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'greenlight-data-'));
    // This test process stands for the running service: alive, and not the CLI.
    await writeFile(path.join(dataDir, LOCK_FILE), `${process.pid}\n`);
    try {
      const { code, output } = await runMigrateCli({ DATA_DIR: dataDir });
      expect(code).toBe(1);
      expect(output).toContain(`DATA_DIR ${dataDir} is in use by another Greenlight (pid ${process.pid})`);
      expect(await readdir(dataDir)).toEqual([LOCK_FILE]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
