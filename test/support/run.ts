import { randomBytes } from 'node:crypto';

/** The Redis server integration tests use (CI's and the machine's default). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every queue prefix a test makes starts with this, so leftovers are easy to find (and safe to delete). */
export const KEY_PREFIX = 'gltest';
/** Every database a test makes starts with this. */
export const DATABASE_PREFIX = 'greenlight_test';

/** Generates the id of one vitest run: lowercase hex, valid in a Redis key and a PostgreSQL name. */
export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * This vitest run's id. test/global-setup.ts sets GL_TEST_RUN before the workers start, so every
 * file names its queue prefixes and databases after the run and the run's teardown can find what
 * any of them left behind. Outside vitest's global setup each process gets an id of its own.
 */
export const RUN_ID = process.env.GL_TEST_RUN ?? newRunId();

/** `gltest-<run>-`: the start of every queue prefix of run `run`. */
export function runKeyPrefix(run: string): string {
  return `${KEY_PREFIX}-${run}-`;
}

/** `greenlight_test_<run>_`: the start of every database name of run `run`. */
export function runDatabasePrefix(run: string): string {
  return `${DATABASE_PREFIX}_${run}_`;
}

/** A unique BullMQ prefix of this run (`gltest-<run>-<random>`), so concurrent test files never share queues. */
export function uniquePrefix(): string {
  return `${runKeyPrefix(RUN_ID)}${randomBytes(5).toString('hex')}`;
}

/** A unique database name of this run (`greenlight_test_<run>_<random>`). */
export function uniqueDatabaseName(): string {
  return `${runDatabasePrefix(RUN_ID)}${randomBytes(6).toString('hex')}`;
}
