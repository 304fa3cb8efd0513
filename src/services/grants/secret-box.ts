import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

const VERSION = 'v1';

/**
 * Encrypts secrets kept in PostgreSQL (grant signing keys, per-key callback secrets) with AES-256-GCM
 * under ENCRYPTION_KEY. A sealed value is `v1.<iv>.<tag>.<ciphertext>` in base64url; a value sealed
 * under another key, or altered, fails to open.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the encryption key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), body]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
        throw new Error('not a value sealed by this service');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('cannot decrypt a stored secret: ENCRYPTION_KEY is not the key it was encrypted with');
      }
    },
  };
}

const KEY_FILE = 'encryption.key';

/**
 * ENCRYPTION_KEY, or — when it is unset — a key generated once under DATA_DIR and reused after, with
 * a warning: fine for a single-instance trial, wrong for several instances or a lost disk (so split
 * roles, which mean several instances, require ENCRYPTION_KEY).
 */
export function loadEncryptionKey(
  config: { ENCRYPTION_KEY?: Buffer | undefined; DATA_DIR: string; ROLE?: string },
  logger: Logger,
): Buffer {
  if (config.ENCRYPTION_KEY !== undefined) return config.ENCRYPTION_KEY;
  if (config.ROLE === 'web' || config.ROLE === 'worker') {
    // Split roles mean several instances: a key generated on one disk would not open on another.
    throw new Error(
      `ENCRYPTION_KEY is required with ROLE=${config.ROLE}: every instance must share it (openssl rand -base64 32)`,
    );
  }
  const path = join(config.DATA_DIR, KEY_FILE);
  mkdirSync(config.DATA_DIR, { recursive: true });
  try {
    // `wx`: only one process creates it; the others read what it wrote.
    writeFileSync(path, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
    logger.warn(
      { path },
      'ENCRYPTION_KEY is not set: generated one under DATA_DIR — for single-instance trials only; set ENCRYPTION_KEY in production',
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    logger.warn(
      { path },
      'ENCRYPTION_KEY is not set: using the key generated under DATA_DIR — for single-instance trials only',
    );
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte key; remove it or set ENCRYPTION_KEY`);
  return key;
}
