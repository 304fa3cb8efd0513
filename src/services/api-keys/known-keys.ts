import type { ApiKeyScope } from '../../domain/api-key-scope.ts';
import type { Db } from '../../platform/db.ts';
import { createSharedSnapshot, type SnapshotWiring } from '../../platform/shared-snapshot.ts';

/**
 * How often an instance reloads the active keys without being told to: the fallback for a
 * notification it missed (a Redis outage, a reconnect between publish and subscribe) or a row
 * changed behind the service's back.
 */
export const KNOWN_KEYS_REFRESH_MS = 10_000;

const NO_KEYS: ReadonlyMap<string, KnownApiClient> = new Map();

/** An active API client as every instance holds it, by its key's hash. */
export interface KnownApiClient {
  id: string;
  name: string;
  scope: ApiKeyScope;
  keyHash: string;
  /** As last loaded, or as this instance last recorded it (api-keys.ts records it at most once a minute). */
  lastUsedAt: Date | null;
}

/**
 * The active API keys (by the SHA-256 hash stored for each) and their clients, held in memory by
 * every instance, so that a request with a valid key is recognised before the per-address failure
 * gate, and authenticated, without any I/O: a flood of bad keys from a shared address (a NAT, an
 * ingress) shuts out that flood, never the valid keys; and the hottest path of the service reads no
 * key row (issue 17).
 *
 * A key created, re-keyed or revoked through the service reloads every instance's copy: the one
 * that made the change before it answers, the others when Redis tells them (milliseconds). A key
 * presented that this copy does not hold is looked up in PostgreSQL (created on another instance a
 * moment ago). So a revoked key is refused at once where it was revoked, on the others as soon as
 * the notification arrives, and — should it be lost (a Redis outage) or the row be changed behind
 * the service's back — within the refresh ({@link KNOWN_KEYS_REFRESH_MS}) at worst. While a reload
 * fails, the copy answers nothing and every key is looked up in PostgreSQL (where a revoked one is
 * refused), so a failed reload never stretches that bound.
 */
export interface KnownApiKeys {
  /** True when `keyHash` (hex SHA-256, as stored) was an active key's at the last load. No I/O. */
  recognises(keyHash: string): boolean;
  /** The active client whose key hashes to `keyHash`, as last loaded. No I/O. */
  clientOf(keyHash: string): KnownApiClient | undefined;
  /** Drops `keyHash` at once, until the next load: the database has just refused it. */
  forget(keyHash: string): void;
  /**
   * Reloads this instance's copy and tells every other instance to reload theirs: call it after a
   * key is created, re-keyed or revoked. Never throws (the refresh covers what it could not do).
   */
  changed(): Promise<void>;
  /** Stops listening and refreshing. */
  close(): Promise<void>;
}

export interface KnownApiKeysOptions extends SnapshotWiring {
  db: Db;
  refreshMs?: number;
}

/**
 * Subscribes to the key-change channel and starts the periodic refresh. The copy is empty until the
 * first load: call {@link KnownApiKeys.changed} before serving (app.ts does, after syncing
 * SERVICE_API_KEYS, which also tells the other instances about the keys that sync changed).
 */
export async function createKnownApiKeys(options: KnownApiKeysOptions): Promise<KnownApiKeys> {
  const { db, refreshMs, ...wiring } = options;
  const snapshot = await createSharedSnapshot<Map<string, KnownApiClient>>({
    name: 'api-keys',
    initial: new Map(),
    async load() {
      const rows = await db.apiClient.findMany({
        where: { revokedAt: null },
        select: { id: true, name: true, scope: true, keyHash: true, lastUsedAt: true },
      });
      return new Map(rows.map((row) => [row.keyHash, row]));
    },
    ...wiring,
    refreshMs: refreshMs ?? KNOWN_KEYS_REFRESH_MS,
  });
  // After a failed load the copy may still hold a key revoked since (here or elsewhere): until a load
  // succeeds, no key is taken from it, so each is looked up in PostgreSQL and a revoked one is refused.
  const held = (): ReadonlyMap<string, KnownApiClient> => (snapshot.upToDate() ? snapshot.current() : NO_KEYS);
  return {
    recognises: (keyHash) => held().has(keyHash),
    clientOf: (keyHash) => held().get(keyHash),
    forget(keyHash) {
      snapshot.current().delete(keyHash);
    },
    changed: () => snapshot.changed(),
    close: () => snapshot.close(),
  };
}
