import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Cloud instance-metadata endpoints (AWS, GCP, Azure, OpenStack, Oracle, Alibaba, ECS task
 * metadata): refused always, even with CALLBACK_ALLOW_PRIVATE_NETWORKS, since no callback ever
 * belongs there and a request forged to them leaks the host's credentials.
 */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '169.254.169.253',
  '168.63.129.16',
  '100.100.100.200',
  '192.0.0.192',
  'fd00:ec2::254',
  'fd00:ec2::253',
]);

/** Metadata host names, refused by name whatever they resolve to. */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** The only IPv6 block that is globally routed unicast (2000::/3); everything else is special. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/** What an address is, for the callback guard. */
export interface AddressClass {
  /** The address as checked: an IPv4-mapped IPv6 address is unwrapped to its IPv4 address. */
  address: string;
  /** ipaddr.js's range name (`unicast`, `loopback`, `private`, `linkLocal`, …), or `metadata`. */
  range: string;
  /** A cloud metadata endpoint: never a callback target. */
  metadata: boolean;
  /** Globally routed unicast: a callback may go there without CALLBACK_ALLOW_PRIVATE_NETWORKS. */
  public: boolean;
}

/**
 * Classifies an IP address (IPv4, or IPv6 with IPv4-mapped addresses unwrapped). Only globally
 * routed unicast is public: loopback, private, link-local, unique-local, CGNAT, unspecified,
 * multicast, broadcast, documentation, benchmarking, 6to4/Teredo/NAT64 (which embed IPv4) and every
 * other special range are not. Throws on a string that is not an address.
 */
export function classifyAddress(raw: string): AddressClass {
  let parsed = ipaddr.parse(raw.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const address = parsed.toString();
  const metadata = METADATA_ADDRESSES.has(address);
  const range = metadata ? 'metadata' : parsed.range();
  const global = parsed.kind() === 'ipv4' || (parsed as ipaddr.IPv6).match(GLOBAL_UNICAST_V6);
  return { address, range, metadata, public: range === 'unicast' && global };
}

/** How a callback URL was judged: its vetted addresses, or why it is refused. */
export type Vetted =
  | { ok: true; url: URL; addresses: Array<{ address: string; family: 4 | 6 }> }
  | {
      ok: false;
      /** `scheme`: not https; `blocked_address`: a refused host or address; `unresolvable`: no DNS answer. */
      reason: 'scheme' | 'blocked_address' | 'unresolvable';
      /** Says what was refused, fit to show to the API client (a 400's field message). */
      message: string;
      /** The resolver's error code when `unresolvable` (ENOTFOUND, EAI_AGAIN …). */
      code?: string;
    };

/** Resolves a host name to all its addresses (node:dns lookup by default; tests may pass their own). */
export type Resolve = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolve: Resolve = (host) => lookup(host, { all: true, verbatim: true });

const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback',
  private: 'a private',
  linkLocal: 'a link-local',
  uniqueLocal: 'a unique-local',
  carrierGradeNat: 'a carrier-grade NAT',
  unspecified: 'an unspecified',
  multicast: 'a multicast',
  broadcast: 'a broadcast',
  metadata: 'a cloud metadata',
};

function refusal(what: string, found: AddressClass): Vetted {
  const kind = RANGE_WORDS[found.range] ?? 'a reserved or non-public';
  return {
    ok: false,
    reason: 'blocked_address',
    message: `${what} ${kind} address (${found.address}); callbacks go to public addresses only`,
  };
}

/**
 * The one callback guard, used when a request is created and again at every delivery (DNS can change
 * in between): only `https:` URLs whose host is, and resolves only to, public addresses — unless
 * `allowPrivate` (CALLBACK_ALLOW_PRIVATE_NETWORKS), which also allows `http:` and non-public
 * addresses. Cloud metadata hosts and addresses are refused either way. The addresses it returns are
 * the ones a delivery must connect to (see send.ts), so a DNS answer that changes between the check
 * and the connection cannot redirect it.
 */
export async function vetCallbackUrl(
  raw: string,
  options: { allowPrivate: boolean; resolve?: Resolve },
): Promise<Vetted> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'scheme', message: 'must be an absolute https URL' };
  }
  const allowed = options.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!allowed.includes(url.protocol)) {
    return {
      ok: false,
      reason: 'scheme',
      message: options.allowPrivate ? 'must be an http(s) URL' : 'must be an https URL',
    };
  }
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const admit = (found: AddressClass) => !found.metadata && (found.public || options.allowPrivate);
  if (isIP(host) !== 0) {
    const found = classifyAddress(host);
    if (!admit(found)) return refusal('is', found);
    return { ok: true, url, addresses: [{ address: host, family: isIP(host) as 4 | 6 }] };
  }
  if (METADATA_HOSTS.has(host)) {
    return { ok: false, reason: 'blocked_address', message: `is a cloud metadata host (${host})` };
  }
  let answers: Array<{ address: string; family: number }>;
  try {
    answers = await (options.resolve ?? systemResolve)(host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'ERESOLVE';
    return { ok: false, reason: 'unresolvable', message: `host ${host} could not be resolved (${code})`, code };
  }
  if (answers.length === 0) {
    return { ok: false, reason: 'unresolvable', message: `host ${host} has no addresses`, code: 'ENODATA' };
  }
  // Every answer must pass: a name resolving to one public and one private address is refused.
  for (const answer of answers) {
    const found = classifyAddress(answer.address);
    if (!admit(found)) return refusal(`resolves to`, found);
  }
  return {
    ok: true,
    url,
    addresses: answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 })),
  };
}
