import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * True when `hex` is the hex HMAC (`algorithm`, e.g. sha256 or sha512) of the exact `body` bytes with
 * `key`, compared in constant time. The bytes are hashed as received, never decoded first: a body
 * that is not valid UTF-8 decodes to U+FFFD, and re-encoding that gives other bytes than the sender
 * signed. A value of the wrong length or not hex is simply false.
 */
export function hmacMatches(algorithm: 'sha256' | 'sha512', key: string, body: Buffer, hex: string): boolean {
  const expected = createHmac(algorithm, key).update(body).digest();
  if (!/^[0-9a-f]+$/i.test(hex) || hex.length !== expected.length * 2) return false;
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}
