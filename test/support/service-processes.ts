import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { type RunningService, runService } from './process.ts';
import { keysUnder, removeKeys } from './redis-keys.ts';
import { REDIS_URL, uniquePrefix } from './run.ts';

export interface ServiceProcesses {
  /** Runs the built service with `env` on loopback and a queue prefix of its own (unless `env` names one). */
  run(env: Record<string, string>): Promise<RunningService>;
  /** A fresh test database, dropped after the test. */
  database(): Promise<TestDatabase>;
  /** A fresh directory for DATA_DIR, removed after the test. */
  dataDir(): Promise<string>;
}

/**
 * For process tests: runs services, and after each test kills what still runs, drops the databases,
 * removes the Redis keys under the services' queue prefixes and the data directories.
 */
export function useServiceProcesses(): ServiceProcesses {
  const running: RunningService[] = [];
  const databases: TestDatabase[] = [];
  const prefixes: string[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const service of running.splice(0)) {
      if (service.child.exitCode === null && service.child.signalCode === null) {
        service.child.kill('SIGKILL');
        await service.exited;
      }
    }
    for (const database of databases.splice(0)) await database.drop();
    for (const prefix of prefixes.splice(0)) await removeKeys(keysUnder(prefix), REDIS_URL);
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return {
    async run(env) {
      const prefix = env.QUEUE_PREFIX ?? uniquePrefix();
      prefixes.push(prefix);
      const service = await runService({ HOST: '127.0.0.1', QUEUE_PREFIX: prefix, ...env });
      running.push(service);
      return service;
    },
    async database() {
      const database = await createTestDatabase();
      databases.push(database);
      return database;
    },
    async dataDir() {
      const dir = await mkdtemp(path.join(tmpdir(), 'greenlight-data-'));
      dirs.push(dir);
      return dir;
    },
  };
}
