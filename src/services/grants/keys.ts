import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Db } from '../../platform/db.ts';
import { publishedGrantKeys } from '../requests/store/reads.ts';
import type { SecretBox } from './secret-box.ts';

/** How long an instance signs with the key it read before looking again (rotation elsewhere, the age limit). */
const SIGNING_KEY_TTL_MS = 60_000;
/** A retired key stays published at least this long, covering instances still signing with it. */
const RETIRED_GRACE_MS = 2 * SIGNING_KEY_TTL_MS;
/** Serializes key creation across instances (pg_advisory_xact_lock). */
const KEY_LOCK = 0x67726e74; // "grnt"

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** A published public key, as the JWKS lists it. */
export interface PublicJwk extends JWK {
  kty: 'OKP';
  crv: 'Ed25519';
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

/**
 * The Ed25519 keys that sign grants, kept in PostgreSQL so every instance signs with the same key and
 * publishes the same JWKS. The newest key not retired signs; past `rotationDays` (or on `rotate()`) a
 * new one replaces it. A retired key stays in the JWKS while any token it signed has not expired.
 */
export interface GrantKeys {
  /** The key new grants are signed with (creating or rotating it when due). */
  signingKey(): Promise<SigningKey>;
  /** The public key of `kid`, or null when this service never had it (or dropped it). */
  verificationKey(kid: string): Promise<KeyObject | null>;
  /** Every key a still-valid token may be signed with. */
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /** Retires the current key and starts signing with a new one; returns the new key id. */
  rotate(): Promise<string>;
}

interface KeyRow {
  kid: string;
  publicJwk: unknown;
  privateKey: string;
  createdAt: Date;
  retiredAt: Date | null;
}

export function createGrantKeys(deps: { db: Db; box: SecretBox; rotationDays: number; now(): Date }): GrantKeys {
  let cached: { key: SigningKey; readAt: number } | undefined;
  const publicKeys = new Map<string, KeyObject>();

  const newKeyRow = async (now: Date): Promise<KeyRow> => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(jwk);
    const publicJwk: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string, kid, alg: 'EdDSA', use: 'sig' };
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    return { kid, publicJwk, privateKey: deps.box.seal(pem), createdAt: now, retiredAt: null };
  };

  /** Under the advisory lock: the current key, replaced when missing, too old, or `force`d. */
  const ensureCurrent = async (force: boolean): Promise<KeyRow> =>
    deps.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${KEY_LOCK})`;
      const now = deps.now();
      const current = await tx.grantKey.findFirst({ where: { retiredAt: null }, orderBy: { createdAt: 'desc' } });
      const maxAgeMs = deps.rotationDays * 24 * 3600 * 1000;
      if (!force && current !== null && now.getTime() - current.createdAt.getTime() < maxAgeMs) return current;
      const next = await newKeyRow(now);
      await tx.grantKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: now } });
      await tx.grantKey.create({ data: { ...next, publicJwk: next.publicJwk as object } });
      return next;
    });

  const toSigningKey = (row: KeyRow): SigningKey => ({
    kid: row.kid,
    privateKey: createPrivateKey(deps.box.open(row.privateKey)),
  });

  /** The cached key (a function, so TypeScript does not narrow `cached` across the awaits above). */
  const signing = (): SigningKey => {
    if (cached === undefined) throw new Error('no grant signing key could be read');
    return cached.key;
  };

  let refreshing: Promise<void> | undefined;
  /** Re-reads (creating or rotating when due) the signing key; concurrent callers share one read. */
  const refresh = (): Promise<void> => {
    refreshing ??= ensureCurrent(false)
      .then((row) => {
        cached = { key: toSigningKey(row), readAt: Date.now() };
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };

  return {
    async signingKey() {
      // Approvals sign inside their transaction: after the first read, a stale key is used once more
      // while it is re-read in the background, so signing never waits for a connection of its own.
      if (cached === undefined) await refresh();
      else if (Date.now() - cached.readAt >= SIGNING_KEY_TTL_MS) void refresh().catch(() => {});
      return signing();
    },
    async verificationKey(kid) {
      const known = publicKeys.get(kid);
      if (known !== undefined) return known;
      const row = await deps.db.grantKey.findUnique({ where: { kid }, select: { publicJwk: true } });
      if (row === null) return null;
      const key = createPublicKey({ key: row.publicJwk as JWK & { kty: string }, format: 'jwk' });
      publicKeys.set(kid, key);
      return key;
    },
    async jwks() {
      const now = deps.now();
      const graceSince = new Date(now.getTime() - RETIRED_GRACE_MS);
      const rows = await publishedGrantKeys<PublicJwk>(deps.db, graceSince, now);
      return { keys: rows.map((row) => row.public_jwk) };
    },
    async rotate() {
      const row = await ensureCurrent(true);
      cached = { key: toSigningKey(row), readAt: Date.now() };
      return row.kid;
    },
  };
}
