import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { type ResolvedRedis, resolveRedis } from '../../../src/platform/embedded-redis.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import { freePort } from '../../support/process.ts';
import { REDIS_URL } from '../../support/run.ts';
import { useServiceProcesses } from '../../support/service-processes.ts';

const logger = createLogger('silent');

async function ping(url: string): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    return await client.ping();
  } catch (error) {
    return `unreachable: ${String(error)}`;
  } finally {
    client.disconnect();
  }
}

async function withClient<T>(url: string, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  try {
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/**
 * REDIS_URL unset. The machine's shared Redis answers on 127.0.0.1:6379 here, so a process test with
 * REDIS_URL unset can only show the first branch (see first-run.test.ts); the embedded branch is
 * tested in-process with the probe address pointed at a port where nothing answers.
 */
describe('resolving Redis when REDIS_URL is unset', () => {
  // Only for its data directories (removed after each test).
  const dirs = useServiceProcesses();
  let claims = 0;
  const claimDataDir = async () => {
    claims += 1;
  };

  it('uses REDIS_URL as set, starting nothing', async () => {
    const redis = await resolveRedis({ url: REDIS_URL, dataDir: await dirs.dataDir(), logger, claimDataDir });
    expect(redis).toMatchObject({ url: REDIS_URL, source: 'REDIS_URL' });
  });

  it('uses a Redis answering at the default address', async () => {
    const dataDir = await dirs.dataDir();
    const redis = await resolveRedis({ url: undefined, dataDir, logger, claimDataDir, probeUrl: REDIS_URL });
    expect(redis).toMatchObject({ url: REDIS_URL, source: 'default' });
    expect(existsSync(path.join(dataDir, 'redis'))).toBe(false);
  });

  it('starts a private redis-server under DATA_DIR with AOF, stops it, and finds its data again', async () => {
    const dataDir = await dirs.dataDir();
    const nothing = `redis://127.0.0.1:${await freePort()}`;
    const before = claims;
    const first = await resolveRedis({ url: undefined, dataDir, logger, claimDataDir, probeUrl: nothing });
    let second: ResolvedRedis | undefined;
    try {
      expect(first.source).toBe('embedded');
      expect(first.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect(claims).toBe(before + 1);
      expect(await ping(first.url)).toBe('PONG');
      await withClient(first.url, async (client) => {
        expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
        await client.set('greenlight:kept', 'across restarts');
      });
      expect(await readdir(path.join(dataDir, 'redis'))).toContain('appendonlydir');

      await first.stop();
      expect(await ping(first.url)).toMatch(/^unreachable/);

      second = await resolveRedis({ url: undefined, dataDir, logger, claimDataDir, probeUrl: nothing });
      expect(second.source).toBe('embedded');
      expect(await withClient(second.url, (client) => client.get('greenlight:kept'))).toBe('across restarts');
    } finally {
      await first.stop();
      await second?.stop();
    }
  });

  it('adopts the private Redis a crashed run left running instead of starting a second one', async () => {
    const dataDir = await dirs.dataDir();
    const nothing = `redis://127.0.0.1:${await freePort()}`;
    const crashed = await resolveRedis({ url: undefined, dataDir, logger, claimDataDir, probeUrl: nothing });
    try {
      // The run "crashes": it never calls stop(). The next run finds the server in its directory.
      const next = await resolveRedis({ url: undefined, dataDir, logger, claimDataDir, probeUrl: nothing });
      expect(next).toMatchObject({ url: crashed.url, source: 'embedded' });
      await next.stop();
      expect(await ping(crashed.url)).toMatch(/^unreachable/);
    } finally {
      await crashed.stop();
    }
  });

  it('without a redis-server binary, says how to install one on Debian/Ubuntu and macOS', async () => {
    const dataDir = await dirs.dataDir();
    const nothing = `redis://127.0.0.1:${await freePort()}`;
    await expect(
      resolveRedis({
        url: undefined,
        dataDir,
        logger,
        claimDataDir,
        probeUrl: nothing,
        command: 'redis-server-not-installed-here',
      }),
    ).rejects.toMatchObject({
      setting: 'REDIS_URL',
      message: expect.stringMatching(
        /^REDIS_URL is not set, no Redis answers at .*no redis-server-not-installed-here on PATH.*Debian\/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`/,
      ),
    });
  });
});
