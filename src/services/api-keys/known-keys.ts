import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Db } from '../../platform/db.ts';

/**
 * How often an instance reloads the active key hashes without being told to: the fallback for a
 * notification it missed (a Redis outage, a reconnect between publish and subscribe).
 */
export const KNOWN_KEYS_REFRESH_MS = 10_000;

/**
 * The SHA-256 hashes of the active API keys, held in memory by every instance, so that a request
 * with a valid key is recognised before the per-address failure gate without any I/O: a flood of
 * bad keys from a shared address (a NAT, an ingress) shuts out that flood, never the valid keys.
 *
 * It only decides who skips that gate. PostgreSQL stays the authority on every request, so a
 * revoked key is refused on its next request on every instance, however stale this set is; a stale
 * set costs at most one gate skip per instance for a revoked key (the refusal forgets it), and, for
 * a key created on another instance, the gate until the notification (milliseconds) or the
 * refresh ({@link KNOWN_KEYS_REFRESH_MS}) arrives.
 */
export interface KnownApiKeys {
  /** True when `keyHash` (hex SHA-256, as stored) was an active key's at the last load. No I/O. */
  recognises(keyHash: string): boolean;
  /** Drops `keyHash` at once, until the next load: the database has just refused it. */
  forget(keyHash: string): void;
  /**
   * Reloads this instance's set and tells every other instance to reload theirs: call it after a
   * key is created, re-keyed or revoked. Never throws (the refresh covers what it could not do).
   */
  changed(): Promise<void>;
  /** Stops listening and refreshing. */
  close(): Promise<void>;
}

export interface KnownApiKeysOptions {
  db: Db;
  publisher: Redis;
  /** A connection in subscriber mode; shared with the other pub/sub listeners (request changes). */
  subscriber: Redis;
  /** QUEUE_PREFIX: instances of one deployment share it, and so the channel. */
  prefix: string;
  logger: Logger;
  refreshMs?: number;
}

/**
 * Subscribes to the key-change channel and starts the periodic refresh. The set is empty until the
 * first load: call {@link KnownApiKeys.changed} before serving (app.ts does, after syncing
 * SERVICE_API_KEYS, which also tells the other instances about the keys that sync changed).
 */
export async function createKnownApiKeys(options: KnownApiKeysOptions): Promise<KnownApiKeys> {
  const { db, publisher, subscriber, logger } = options;
  const channel = `${options.prefix}:api-keys-changed`;
  let hashes = new Set<string>();
  let running: Promise<void> | undefined;
  let dirty = false;

  const loadOnce = async () => {
    try {
      const rows = await db.apiClient.findMany({ where: { revokedAt: null }, select: { keyHash: true } });
      hashes = new Set(rows.map((row) => row.keyHash));
    } catch (error) {
      // The last set stays: better a briefly stale gate skip than none while PostgreSQL blips.
      logger.warn({ err: error }, 'api keys: reloading the active key hashes failed; keeping the last set');
    }
  };
  // Loads one after another; a change announced while a load runs gets a load of its own after it,
  // so no caller of reload() sees a set read before the change it announced.
  const reload = (): Promise<void> => {
    dirty = true;
    running ??= (async () => {
      try {
        while (dirty) {
          dirty = false;
          await loadOnce();
        }
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const onMessage = (from: string) => {
    if (from === channel) void reload();
  };
  // After a reconnect, notifications sent while the connection was down are lost: load now.
  const onReady = () => void reload();
  subscriber.on('message', onMessage);
  subscriber.on('ready', onReady);
  await subscriber.subscribe(channel);
  const timer = setInterval(() => void reload(), options.refreshMs ?? KNOWN_KEYS_REFRESH_MS);
  timer.unref();

  return {
    recognises: (keyHash) => hashes.has(keyHash),
    forget(keyHash) {
      hashes.delete(keyHash);
    },
    async changed() {
      await reload();
      await publisher.publish(channel, 'changed').catch((error: unknown) => {
        logger.warn({ err: error }, 'api keys: could not tell other instances; they reload within the refresh');
      });
    },
    async close() {
      clearInterval(timer);
      subscriber.off('message', onMessage);
      subscriber.off('ready', onReady);
      await subscriber.unsubscribe(channel).catch(() => {});
      await running;
    },
  };
}
