import { EventEmitter, setMaxListeners } from 'node:events';
import type { Redis } from 'ioredis';

/**
 * Cross-instance "this request changed" notifications over Redis pub/sub, so a long-poll on one
 * instance wakes when another instance decides. Only ids travel; the database stays the record.
 */
export interface RequestChanges {
  /** Announces that these requests changed (one round trip to Redis however many). */
  publish(...requestIds: string[]): Promise<void>;
  /**
   * Resolves true when `requestId` changes, false after `timeoutMs`, when `signal` aborts, or once
   * {@link RequestChanges.release} was called.
   */
  waitForChange(requestId: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /**
   * Ends every wait now (false) and makes later waits end at once: shutdown calls it first, so
   * open long-polls answer with the request as it is instead of holding the server open.
   */
  release(): void;
  /** How many waits are open on this instance now (every long-poll and MCP wait holds one). */
  openWaits(): number;
  close(): Promise<void>;
}

export async function createRequestChanges(
  publisher: Redis,
  subscriber: Redis,
  prefix: string,
): Promise<RequestChanges> {
  const channel = `${prefix}:request-changed`;
  const local = new EventEmitter();
  local.setMaxListeners(0);
  // Every open long-poll listens on it; there may be thousands.
  const released = new AbortController();
  setMaxListeners(0, released.signal);
  let open = 0;
  subscriber.on('message', (from: string, requestId: string) => {
    if (from === channel) local.emit(requestId);
  });
  await subscriber.subscribe(channel);
  return {
    async publish(...requestIds) {
      if (requestIds.length === 1) {
        await publisher.publish(channel, requestIds[0] as string);
        return;
      }
      const pipeline = publisher.pipeline();
      for (const id of requestIds) pipeline.publish(channel, id);
      await pipeline.exec();
    },
    waitForChange(requestId, timeoutMs, signal) {
      if (released.signal.aborted || signal?.aborted) return Promise.resolve(false);
      open++;
      return new Promise<boolean>((resolve) => {
        let settled = false;
        const finish = (changed: boolean) => {
          if (settled) return;
          settled = true;
          open--;
          clearTimeout(timer);
          local.off(requestId, onChange);
          signal?.removeEventListener('abort', onAbort);
          released.signal.removeEventListener('abort', onAbort);
          resolve(changed);
        };
        const onChange = () => finish(true);
        const onAbort = () => finish(false);
        const timer = setTimeout(() => finish(false), timeoutMs);
        local.on(requestId, onChange);
        signal?.addEventListener('abort', onAbort, { once: true });
        released.signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    release() {
      released.abort();
    },
    openWaits() {
      return open;
    },
    async close() {
      local.removeAllListeners();
      await subscriber.unsubscribe(channel).catch(() => {});
    },
  };
}
