import { dropDatabases, findDatabases, templateDatabaseName } from './support/database.ts';
import { findKeys, keysStartingWith, removeKeys } from './support/redis-keys.ts';
import { newRunId, runDatabasePrefix, runKeyPrefix } from './support/run.ts';

/**
 * Gives the run an id (GL_TEST_RUN, inherited by the workers) that every queue prefix and database
 * of the run carries, and afterwards checks that the tests removed all of them. Whatever is left is
 * listed, removed, and fails the run: a test that does not clean up is a defect like any other.
 */
export default function setup(): () => Promise<void> {
  process.env.GL_TEST_RUN ??= newRunId();
  const run = process.env.GL_TEST_RUN;
  return async function teardown() {
    const keyPattern = keysStartingWith(runKeyPrefix(run));
    const keys = await findKeys(keyPattern);
    // The migrated template the run's databases were copied from is the run's own, not a leftover.
    const template = templateDatabaseName(run);
    await dropDatabases([template]);
    const databases = await findDatabases(runDatabasePrefix(run));
    await removeKeys(keyPattern);
    await dropDatabases(databases);
    if (keys.length === 0 && databases.length === 0) return;
    const sample = (names: string[]) => names.slice(0, 10).join(', ') + (names.length > 10 ? ', …' : '');
    // vitest reports a teardown error but still exits 0, so fail the process explicitly.
    process.exitCode = 1;
    throw new Error(
      [
        `test run ${run} left resources behind (now removed); some test does not clean up:`,
        `  ${keys.length} Redis keys ${keyPattern}${keys.length > 0 ? `: ${sample(keys.sort())}` : ''}`,
        `  ${databases.length} databases${databases.length > 0 ? `: ${sample(databases)}` : ''}`,
      ].join('\n'),
    );
  };
}
