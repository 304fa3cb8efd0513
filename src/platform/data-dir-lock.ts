import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { SettingError } from './setting-error.ts';

/** The lock file's name under DATA_DIR. */
export const LOCK_FILE = 'greenlight.lock';

/** Ownership of DATA_DIR by this process, taken before the embedded databases open their files. */
export interface DataDirLock {
  /** Takes the lock (once; later calls return at once), or throws naming DATA_DIR and the owner's pid. */
  acquire(): Promise<void>;
  /** Gives the lock back if this process holds it; the file is removed. Idempotent. */
  release(): Promise<void>;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the file only if it does not exist (`wx`), holding our pid; false when it already exists. */
async function createExclusive(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(`${process.pid}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The pid in an existing lock file, or null when it is gone or holds no pid (a crash mid-write). */
async function ownerOf(file: string): Promise<number | null> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The embedded PostgreSQL (PGlite) and the embedded Redis are one process's files: two instances
 * on one DATA_DIR would corrupt them. The lock is `DATA_DIR/greenlight.lock`, created exclusively
 * and holding the owner's pid; a lock whose pid no longer runs is stale (the owner crashed) and is
 * taken over. The check and the takeover are not one atomic step, so two instances starting in the
 * same instant over a stale lock could both win; the common mistakes — a second `npm start`, a
 * restart while the old process still runs — are refused.
 */
export function dataDirLock(dataDir: string): DataDirLock {
  const file = path.resolve(dataDir, LOCK_FILE);
  let held = false;
  return {
    async acquire() {
      if (held) return;
      await mkdir(path.dirname(file), { recursive: true });
      for (let attempt = 0; attempt < 3; attempt += 1) {
        if (await createExclusive(file)) {
          held = true;
          return;
        }
        const owner = await ownerOf(file);
        if (owner !== null && owner !== process.pid && isAlive(owner)) {
          throw new SettingError(
            'DATA_DIR',
            `DATA_DIR ${dataDir} is in use by another Greenlight (pid ${owner}): the embedded databases serve one process. Stop it, give this instance its own DATA_DIR, or set DATABASE_URL and REDIS_URL to shared servers to run several instances (if no Greenlight runs as pid ${owner}, delete ${file})`,
          );
        }
        // Stale (its owner is gone) or unreadable: take it over.
        await unlink(file).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
      throw new SettingError('DATA_DIR', `could not take the lock ${file}: another process keeps replacing it`);
    },
    async release() {
      if (!held) return;
      held = false;
      // Only our own lock is removed, never one another process took over meanwhile.
      if ((await ownerOf(file)) === process.pid) await unlink(file).catch(() => {});
    },
  };
}
