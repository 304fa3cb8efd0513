import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirLock, LOCK_FILE } from '../../../src/platform/data-dir-lock.ts';
import { useServiceProcesses } from '../../support/service-processes.ts';

/** A pid that surely runs no process: one that just exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid as number;
}

/** The lock on DATA_DIR (the two-process case is in test/integration/process/first-run.test.ts). */
describe('the DATA_DIR lock', () => {
  const dirs = useServiceProcesses();

  it('holds our pid while taken and is removed on release', async () => {
    const dataDir = await dirs.dataDir();
    const lock = dataDirLock(dataDir);
    await lock.acquire();
    await lock.acquire(); // idempotent
    expect((await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('refuses a DATA_DIR another live process holds, naming DATA_DIR and its pid', async () => {
    const dataDir = await dirs.dataDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await writeFile(path.join(dataDir, LOCK_FILE), `${other.pid}\n`);
      await expect(dataDirLock(dataDir).acquire()).rejects.toMatchObject({
        setting: 'DATA_DIR',
        message: expect.stringContaining(`DATA_DIR ${dataDir} is in use by another Greenlight (pid ${other.pid})`),
      });
      // Refused, and the other process's lock is left as it was.
      expect((await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).trim()).toBe(String(other.pid));
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a stale lock whose process is gone (a crash), and one holding no pid', async () => {
    const dataDir = await dirs.dataDir();
    await writeFile(path.join(dataDir, LOCK_FILE), `${await deadPid()}\n`);
    const lock = dataDirLock(dataDir);
    await lock.acquire();
    expect((await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();

    await writeFile(path.join(dataDir, LOCK_FILE), '');
    await lock.acquire();
    await lock.release();
  });

  it('does not remove a lock another process took over meanwhile', async () => {
    const dataDir = await dirs.dataDir();
    const lock = dataDirLock(dataDir);
    await lock.acquire();
    await writeFile(path.join(dataDir, LOCK_FILE), '4194000\n');
    await lock.release();
    expect((await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).trim()).toBe('4194000');
  });
});
