import { z } from 'zod';
import { definePart, flag, integer, optional, type TParse, url, withDefault } from './fields.ts';

const DAY = 24 * 3600;

/** 32 bytes as 64 hex digits, or as base64/base64url (43–44 characters); never shown when wrong. */
const encryptionKey: TParse<Buffer> = (value, report) => {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(value)
      ? Buffer.from(value, 'base64')
      : null;
  if (bytes?.length === 32) return bytes;
  report(
    `must be 32 random bytes as 64 hex digits or 44 base64 characters (\`openssl rand -base64 32\`; value not shown)`,
  );
  return z.NEVER;
};

/** A Standard Webhooks secret: `whsec_` and the base64 of at least 24 random bytes. */
const webhookSecret: TParse<string> = (value, report) => {
  const body = value.startsWith('whsec_') ? value.slice('whsec_'.length) : null;
  if (body !== null && /^[A-Za-z0-9+/]+={0,2}$/.test(body) && Buffer.from(body, 'base64').length >= 24) return value;
  report(
    'must be whsec_ followed by the base64 of at least 24 random bytes (`echo whsec_$(openssl rand -base64 32)`; value not shown)',
  );
  return z.NEVER;
};

/** What an approval hands the caller: the grant token, its keys, and signed callbacks. */
export const grants = definePart({
  PUBLIC_URL: optional(url(['https:', 'http:'], 'https://greenlight.example.com')),
  DEFAULT_GRANT_SECONDS: withDefault(integer(10, 30 * DAY), 900),
  ENCRYPTION_KEY: optional(encryptionKey),
  GRANT_KEY_ROTATION_DAYS: withDefault(integer(1, 3650), 30),
  CALLBACK_SIGNING_SECRET: optional(webhookSecret),
  CALLBACK_ALLOW_PRIVATE_NETWORKS: withDefault(flag, false),
});

/** The service's external base URL without a trailing slash: the grants' `iss`, and links to it. */
export function publicUrl(config: { PUBLIC_URL?: string | undefined; PORT: number }): string {
  return (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
}
