import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../../domain/actor.ts';
import type { ApiKeyScope } from '../../domain/api-key-scope.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import { generateCallbackSecret } from '../callbacks/secrets.ts';
import type { CoreDeps } from '../ports.ts';
import type { Tx } from '../types.ts';

/** SHA-256 (hex) of an API secret: the only form in which a secret is stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new random secret, prefixed so leaked keys are easy to recognise in logs and scanners. */
export function generateSecret(): string {
  return `gl_${randomBytes(24).toString('base64url')}`;
}

/** Who an authenticated API call comes from, and what its key may do. */
export interface ApiClientIdentity {
  id: string;
  name: string;
  scope: ApiKeyScope;
}

/**
 * Makes the `env`-origin API clients match SERVICE_API_KEYS: creates or re-keys the listed ones,
 * gives each the scope its entry names, and revokes those no longer listed. Keys created in App
 * Home (`admin` origin) are untouched.
 */
export async function syncConfiguredKeys(
  tx: Tx,
  keys: ReadonlyArray<{ name: string; secret: string; scope: ApiKeyScope }>,
): Promise<void> {
  for (const key of keys) {
    const keyHash = hashSecret(key.secret);
    const fields = { keyHash, keyPrefix: key.secret.slice(0, 4), origin: 'env', scope: key.scope };
    await tx.apiClient.upsert({
      where: { name: key.name },
      create: { name: key.name, ...fields },
      update: { ...fields, revokedAt: null },
    });
  }
  await tx.apiClient.updateMany({
    where: { origin: 'env', revokedAt: null, name: { notIn: keys.map((key) => key.name) } },
    data: { revokedAt: new Date() },
  });
}

/**
 * Finds the active client whose key hashes to the presented secret: in this instance's copy of the
 * active keys (known-keys.ts, no I/O) or, for a key it does not hold yet, in PostgreSQL. The lookup
 * is by hash, so the secret itself is never compared; the final equality check is constant-time all
 * the same.
 */
export async function authenticateApiKey(
  deps: Pick<CoreDeps, 'db' | 'now' | 'apiKeys'>,
  presented: string,
): Promise<ApiClientIdentity | null> {
  const keyHash = hashSecret(presented);
  const client =
    deps.apiKeys.clientOf(keyHash) ??
    (await deps.db.apiClient.findUnique({
      where: { keyHash, revokedAt: null },
      select: { id: true, name: true, scope: true, keyHash: true, lastUsedAt: true },
    }));
  if (client === null) return null;
  if (!timingSafeEqual(Buffer.from(client.keyHash, 'hex'), Buffer.from(keyHash, 'hex'))) return null;
  // Last use is shown in App Home; recording it at most once a minute keeps the hot path read-only.
  const now = deps.now();
  if (client.lastUsedAt === null || now.getTime() - client.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
    // Noted first: concurrent requests of one client record it once (the copy is this instance's).
    client.lastUsedAt = now;
    await deps.db.apiClient.updateMany({
      where: {
        id: client.id,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_EVERY_MS) } }],
      },
      data: { lastUsedAt: now },
    });
  }
  return { id: client.id, name: client.name, scope: client.scope };
}

const LAST_USED_EVERY_MS = 60_000;

export interface ApiClientSummary {
  id: string;
  name: string;
  keyPrefix: string;
  origin: string;
  scope: ApiKeyScope;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

const API_CLIENT_SUMMARY = {
  id: true,
  name: true,
  keyPrefix: true,
  origin: true,
  scope: true,
  createdBy: true,
  createdAt: true,
  lastUsedAt: true,
} as const;

/** Active API clients, newest first. */
export async function listApiClients(tx: Tx): Promise<ApiClientSummary[]> {
  return tx.apiClient.findMany({
    where: { revokedAt: null },
    orderBy: { createdAt: 'desc' },
    select: API_CLIENT_SUMMARY,
  });
}

/**
 * Creates an API client from App Home and returns its secret, which is shown once and stored only
 * as its SHA-256, with the client's own callback signing secret (`whsec_…`), shown once beside it
 * and stored sealed with ENCRYPTION_KEY (deliveries need it back). Names are unique among all
 * clients, revoked ones included. `scope` is `request` unless the admin chose `admin`.
 */
export async function createApiClient(
  deps: Pick<CoreDeps, 'db' | 'box' | 'apiKeys'>,
  actor: Actor,
  name: string,
  scope: ApiKeyScope = 'request',
): Promise<{ client: ApiClientSummary; secret: string; callbackSecret: string }> {
  const secret = generateSecret();
  const callbackSecret = generateCallbackSecret();
  const created = await deps.db.$transaction(async (tx) => {
    if ((await tx.apiClient.findUnique({ where: { name }, select: { id: true } })) !== null) {
      throw new AppError('conflict', `an API client named “${name}” already exists`);
    }
    const client = await tx.apiClient.create({
      data: {
        name,
        keyHash: hashSecret(secret),
        keyPrefix: secret.slice(0, 7),
        origin: 'admin',
        scope,
        createdBy: actor.id ?? null,
        callbackSecret: deps.box.seal(callbackSecret),
      },
      select: API_CLIENT_SUMMARY,
    });
    await recordAudit(tx, {
      type: 'apikey.created',
      actor,
      details: { before: null, after: { id: client.id, name, keyPrefix: client.keyPrefix, origin: 'admin', scope } },
    });
    return { client, secret, callbackSecret };
  });
  // Every instance recognises the new key before its address's failure gate (see KnownApiKeys).
  await deps.apiKeys.changed();
  return created;
}

/**
 * Revokes an API client: its key stops working at once (every request is checked against
 * PostgreSQL), and every instance stops letting it skip the failure gate.
 */
export async function revokeApiClient(deps: Pick<CoreDeps, 'db' | 'apiKeys'>, actor: Actor, id: string): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const before = await tx.apiClient.findUnique({
      where: { id },
      select: { id: true, name: true, keyPrefix: true, revokedAt: true },
    });
    if (before === null || before.revokedAt !== null) throw new AppError('not_found', 'this API key is already gone');
    const revokedAt = new Date();
    await tx.apiClient.update({ where: { id }, data: { revokedAt } });
    await recordAudit(tx, {
      type: 'apikey.revoked',
      actor,
      details: { before: { ...before, revokedAt: null }, after: { ...before, revokedAt: revokedAt.toISOString() } },
    });
  });
  await deps.apiKeys.changed();
}
