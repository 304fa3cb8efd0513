import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { quoteIdent } from '../../src/platform/migrate.ts';
import { uniqueDatabaseName } from './run.ts';

/** The PostgreSQL server tests create their databases on (CI's and the machine's default). */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh, empty database on the real PostgreSQL server, so each test file is isolated.
 * It is named after the run (`greenlight_test_<run>_<random>`), so the run's teardown finds it
 * if nobody drops it.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = uniqueDatabaseName();
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => dropDatabases([name]),
  };
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
