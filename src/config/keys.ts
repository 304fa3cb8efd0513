import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import type { ApiKeyScope } from '../domain/api-key-scope.ts';
import { definePart, integer, quote, splitList, type TParse, withDefault } from './fields.ts';

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
const MIN_SECRET_LENGTH = 24;

/** One SERVICE_API_KEYS entry. */
export interface TServiceKey {
  name: string;
  secret: string;
  /** `admin` when the entry ends in `:admin`, else `request`. */
  scope: ApiKeyScope;
}

/**
 * `name:secret[:admin],…`. Problems name an entry by its name, or by its position when the name
 * itself is malformed (it might be a secret pasted in the wrong place); a secret is never shown, nor
 * a third part that is not `admin` (it may be the rest of a secret that held a colon).
 */
const serviceKeys: TParse<TServiceKey[]> = (value, report) => {
  const keys: TServiceKey[] = [];
  const seen = new Set<string>();
  let failed = false;
  const fail = (message: string) => {
    failed = true;
    report(message);
  };
  for (const [index, entry] of splitList(value).entries()) {
    const at = entry.indexOf(':');
    if (at === -1) {
      fail(`entry ${index + 1} is not name:secret (value not shown)`);
      continue;
    }
    const name = entry.slice(0, at);
    const [secret = '', scopePart, ...extra] = entry.slice(at + 1).split(':');
    if (!SERVICE_NAME.test(name)) {
      fail(
        `entry ${index + 1} has a name that is not 1–64 letters, digits, _ . or - starting with a letter or digit (value not shown)`,
      );
      continue;
    }
    if (seen.has(name)) fail(`entry ${quote(name)} appears more than once; service names must be unique`);
    seen.add(name);
    if (extra.length > 0 || (scopePart !== undefined && scopePart !== 'admin')) {
      fail(
        `entry ${quote(name)} has a third part that is not "admin": write name:secret or name:secret:admin, and no ":" in a secret (value not shown)`,
      );
      continue;
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      fail(
        `entry ${quote(name)} has a secret of ${secret.length} characters; secrets need ${MIN_SECRET_LENGTH} or more`,
      );
    }
    keys.push({ name, secret, scope: scopePart === 'admin' ? 'admin' : 'request' });
  }
  return failed ? z.NEVER : keys;
};

/**
 * Which peers may tell us the client's address in `X-Forwarded-For`, in the forms Express's
 * `trust proxy` takes: `false` (nobody: the address is the TCP peer's), a hop count, or a list of
 * addresses, subnets and the names Express knows.
 */
export type TTrustProxy = false | number | string[];

/** Express's (proxy-addr's) names for address ranges. */
const TRUST_PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
/** More hops than any real chain of proxies: a bigger number is a typo, or `true` in disguise. */
const MAX_PROXY_HOPS = 10;

/** A plain address: four decimal parts for IPv4 (not `0x7f.1`, which ipaddr.js would take), or IPv6. */
function isPlainAddress(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text);
}

/** `addr` or `addr/prefix-length`, as proxy-addr reads them. */
function isAddressOrSubnet(entry: string): boolean {
  const slash = entry.indexOf('/');
  if (slash === -1) return isPlainAddress(entry);
  const address = entry.slice(0, slash);
  const bits = entry.slice(slash + 1);
  if (!isPlainAddress(address) || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (ipaddr.IPv6.isValid(address) ? 128 : 32);
}

/**
 * TRUST_PROXY: `false`/`0` (the default: trust nobody), a hop count, or a comma-separated list.
 * `true` is refused: it trusts every peer, so any client could name any address and escape the
 * per-address limits; every bad list entry is reported on its own.
 */
const trustProxy: TParse<TTrustProxy> = (value, report) => {
  const lower = value.toLowerCase();
  if (lower === 'false' || lower === '0') return false;
  if (lower === 'true') {
    report(
      '"true" would trust every peer, so any client could forge its address: give the number of proxies in front (1 for one ingress) or their addresses',
    );
    return z.NEVER;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= MAX_PROXY_HOPS) return hops;
    report(`${quote(value)} is out of range (0–${MAX_PROXY_HOPS} proxies)`);
    return z.NEVER;
  }
  const entries = splitList(value);
  const bad = entries.filter((entry) => !TRUST_PROXY_RANGES.includes(entry) && !isAddressOrSubnet(entry));
  for (const entry of bad) {
    report(
      `entry ${quote(entry)} is not an address, a subnet (10.0.0.0/8), or one of ${TRUST_PROXY_RANGES.join(', ')}`,
    );
  }
  if (entries.length === 0) report(`${quote(value)} names no proxy`);
  if (bad.length > 0 || entries.length === 0) return z.NEVER;
  return entries;
};

/** A per-minute budget; 0 turns the limit off. */
const perMinute = integer(0, 1_000_000);

/**
 * API keys of the services that call Greenlight, how often they (or whoever guesses keys, or forges
 * webhook signatures) may call, and which proxies' word for the caller's address is taken.
 */
export const keys = definePart({
  SERVICE_API_KEYS: withDefault(serviceKeys, []),
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: withDefault(perMinute, 20),
  RATE_LIMIT_REQUESTS_PER_MINUTE: withDefault(perMinute, 600),
  RATE_LIMIT_WEBHOOKS_PER_MINUTE: withDefault(perMinute, 600),
  TRUST_PROXY: withDefault<TTrustProxy>(trustProxy, false),
});
