import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A small table held in memory by every instance and reloaded when any instance says it changed
 * (Redis pub/sub), so the hot path reads it without I/O. Writers call {@link SharedSnapshot.changed}
 * after committing: this instance reloads before it returns, the others within milliseconds. A
 * notification can be missed (a Redis outage, a reconnect between publish and subscribe), so every
 * reconnect reloads, and a periodic refresh bounds how long a missed one can leave a snapshot stale.
 */
export interface SharedSnapshot<T> {
  /** The value as last loaded. No I/O. */
  current(): T;
  /**
   * False from a failed load until the next one succeeds: `current()` may then miss a change that was
   * announced (or made here) since, however long PostgreSQL keeps failing. No I/O.
   */
  upToDate(): boolean;
  /**
   * Reloads this instance's copy and tells every other instance to reload theirs. Never throws
   * (the refresh covers what it could not do).
   */
  changed(): Promise<void>;
  /** Stops listening and refreshing. */
  close(): Promise<void>;
}

/** How a snapshot hears of changes and tells of them: what every snapshot of an instance shares. */
export interface SnapshotWiring {
  publisher: Redis;
  /** A connection in subscriber mode, shared with the other pub/sub listeners (request changes). */
  subscriber: Redis;
  /** QUEUE_PREFIX: instances of one deployment share it, and so the channel. */
  prefix: string;
  logger: Logger;
}

export interface SharedSnapshotOptions<T> extends SnapshotWiring {
  /** Names the channel (`<prefix>:<name>-changed`) and the log lines. */
  name: string;
  /** What `current()` answers before the first load. */
  initial: T;
  /** Reads the table; a failure keeps the last value (better briefly stale than empty while PostgreSQL blips). */
  load(): Promise<T>;
  refreshMs: number;
}

/** Subscribes to the snapshot's channel and starts its refresh; the value is `initial` until the first load. */
export async function createSharedSnapshot<T>(options: SharedSnapshotOptions<T>): Promise<SharedSnapshot<T>> {
  const { name, publisher, subscriber, logger } = options;
  const channel = `${options.prefix}:${name}-changed`;
  let value = options.initial;
  let running: Promise<void> | undefined;
  let dirty = false;
  let upToDate = true;

  const loadOnce = async () => {
    try {
      value = await options.load();
      upToDate = true;
    } catch (error) {
      upToDate = false;
      logger.warn({ err: error, snapshot: name }, 'reloading a shared snapshot failed; keeping the last one');
    }
  };
  // Loads one after another; a change announced while a load runs gets a load of its own after it,
  // so no caller of reload() sees a value read before the change it announced.
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
  const timer = setInterval(() => void reload(), options.refreshMs);
  timer.unref();

  return {
    current: () => value,
    upToDate: () => upToDate,
    async changed() {
      await reload();
      await publisher.publish(channel, 'changed').catch((error: unknown) => {
        logger.warn({ err: error, snapshot: name }, 'could not tell other instances; they reload within the refresh');
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
