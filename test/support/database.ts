import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { migrate, quoteIdent } from '../../src/platform/migrate.ts';
import { RUN_ID, runDatabasePrefix, uniqueDatabaseName } from './run.ts';

/** The PostgreSQL server tests create their databases on (CI's and the machine's default). */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The URL of database `name` on the test server. */
function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `work` with one connection to the test server's admin database. */
async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Creates database `name` (empty, or a copy of `template`) and hands it out, to be dropped by its user. */
async function createDatabase(name: string, template?: string): Promise<TestDatabase> {
  const from = template === undefined ? '' : ` TEMPLATE ${quoteIdent(template)}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)}${from}`));
  return { name, url: databaseUrl(name), drop: () => dropDatabases([name]) };
}

/**
 * Creates a fresh, empty database on the real PostgreSQL server, so each test file is isolated.
 * It is named after the run (`greenlight_test_<run>_<random>`), so the run's teardown finds it
 * if nobody drops it.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  return createDatabase(uniqueDatabaseName());
}

/** The run's migrated template database (`greenlight_test_<run>_template`); the run's teardown drops it. */
export function templateDatabaseName(run: string = RUN_ID): string {
  return `${runDatabasePrefix(run)}template`;
}

/** Advisory lock key (first half) under which one worker of a run builds the template: "glTm". */
const TEMPLATE_LOCK = 0x676c546d;

/**
 * Creates and migrates the run's template once: the first worker to take the lock builds it under
 * another name and renames it when it is complete, so no worker ever clones a half-migrated one.
 */
async function buildTemplate(): Promise<string> {
  const name = templateDatabaseName();
  const building = `${name}_building`;
  await withAdmin(async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1, hashtext($2))', [TEMPLATE_LOCK, name]);
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount !== 0) return;
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${quoteIdent(building)}`);
      await migrate({ url: databaseUrl(building) });
      await admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1, hashtext($2))', [TEMPLATE_LOCK, name]);
    }
  });
  return name;
}

let template: Promise<string> | undefined;

/**
 * Creates a fresh database with every migration already applied: a copy (`CREATE DATABASE … TEMPLATE`)
 * of the run's template, which the run's first caller migrates once. A copy takes about a tenth of
 * the time of migrating an empty database, and the app's own migration at startup then finds nothing
 * to do (a migration added while the run goes on is still applied there). Named and dropped like
 * `createTestDatabase`'s.
 */
export async function createMigratedTestDatabase(): Promise<TestDatabase> {
  template ??= buildTemplate().catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  return createDatabase(uniqueDatabaseName(), await template);
}

/** Drops databases by name, disconnecting whoever still uses them. */
export async function dropDatabases(names: string[]): Promise<void> {
  if (names.length === 0) return;
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Names of the databases whose name starts with `start`. */
export async function findDatabases(start: string): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    ADMIN_DATABASE_URL,
    'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname',
    [start],
  );
  return rows.map((row) => row.datname);
}

/**
 * A fresh database for the enclosing describe (`per: 'file'`, the default) or for each test,
 * dropped afterwards. Read `.current` inside tests and hooks.
 */
export function useTestDatabase(per: 'file' | 'test' = 'file'): { readonly current: TestDatabase } {
  const [before, after] = per === 'test' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  let database: TestDatabase | undefined;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    const created = database;
    database = undefined;
    await created?.drop();
  });
  return {
    get current() {
      if (database === undefined) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      return database;
    },
  };
}

/** Runs one query against a database and returns its rows. */
export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
