import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor, Tx } from './types.ts';

/** SHA-256 (hex) of an API secret: the only form in which a secret is stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new random secret, prefixed so leaked keys are easy to recognise in logs and scanners. */
export function generateSecret(): string {
  return `gl_${randomBytes(24).toString('base64url')}`;
}

export interface ApiClientIdentity {
  id: string;
  name: string;
}

/**
 * Makes the `env`-origin API clients match SERVICE_API_KEYS: creates or re-keys the listed ones
 * and revokes those no longer listed. Keys created in App Home (`admin` origin) are untouched.
 */
export async function syncConfiguredKeys(tx: Tx, keys: ReadonlyArray<{ name: string; secret: string }>): Promise<void> {
  for (const key of keys) {
    const keyHash = hashSecret(key.secret);
    await tx.apiClient.upsert({
      where: { name: key.name },
      create: { name: key.name, keyHash, keyPrefix: key.secret.slice(0, 4), origin: 'env' },
      update: { keyHash, keyPrefix: key.secret.slice(0, 4), origin: 'env', revokedAt: null },
    });
  }
  await tx.apiClient.updateMany({
    where: { origin: 'env', revokedAt: null, name: { notIn: keys.map((key) => key.name) } },
    data: { revokedAt: new Date() },
  });
}

/**
 * Finds the active client whose key hashes to the presented secret. The lookup is by hash, so the
 * secret itself is never compared; the final equality check is constant-time all the same.
 */
export async function authenticateApiKey(tx: Tx, presented: string): Promise<ApiClientIdentity | null> {
  const keyHash = hashSecret(presented);
  const client = await tx.apiClient.findUnique({
    where: { keyHash },
    select: { id: true, name: true, keyHash: true, revokedAt: true },
  });
  if (client === null || client.revokedAt !== null) return null;
  if (!timingSafeEqual(Buffer.from(client.keyHash, 'hex'), Buffer.from(keyHash, 'hex'))) return null;
  return { id: client.id, name: client.name };
}

/** The audit actor for a service. */
export function serviceActor(client: ApiClientIdentity): Actor {
  return { type: 'service', id: client.name };
}
