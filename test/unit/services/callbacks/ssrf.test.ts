import { describe, expect, it } from 'vitest';
import { classifyAddress, type Resolve, vetCallbackUrl } from '../../../../src/services/callbacks/ssrf.ts';

describe('classifyAddress', () => {
  const notPublic: Array<[string, string]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.1.1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.51.100.1', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:a00:1::1', '6to4'],
    ['2001:0:4136:e378::1', 'teredo'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['100::1', 'discard'],
  ];
  for (const [address, range] of notPublic) {
    it(`${address} is ${range}, not public`, () => {
      expect(classifyAddress(address)).toMatchObject({ range, public: false, metadata: false });
    });
  }

  const unwrapped: Array<[string, string, string]> = [
    ['::ffff:127.0.0.1', '127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', '127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', '10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', '169.254.169.254', 'metadata'],
    ['::FFFF:192.168.0.1', '192.168.0.1', 'private'],
    ['[::ffff:127.0.0.1]', '127.0.0.1', 'loopback'],
  ];
  for (const [address, inner, range] of unwrapped) {
    it(`unwraps IPv4-mapped ${address} to ${inner} (${range})`, () => {
      expect(classifyAddress(address)).toMatchObject({ address: inner, range, public: false });
    });
  }

  for (const address of [
    '169.254.169.254',
    '169.254.170.2',
    '168.63.129.16',
    '100.100.100.200',
    '192.0.0.192',
    'fd00:ec2::254',
  ]) {
    it(`${address} is a cloud metadata endpoint`, () => {
      expect(classifyAddress(address)).toMatchObject({ range: 'metadata', metadata: true, public: false });
    });
  }

  for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111']) {
    it(`${address} is public`, () => {
      expect(classifyAddress(address)).toMatchObject({ range: 'unicast', public: true, metadata: false });
    });
  }

  it('throws on what is not an address', () => {
    expect(() => classifyAddress('example.com')).toThrow();
  });
});

describe('vetCallbackUrl', () => {
  const dns =
    (answers: Record<string, string[]>): Resolve =>
    async (host) => {
      const found = answers[host];
      if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
  const resolve = dns({
    'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'],
    'rebind.example.com': ['93.184.216.34', '10.0.0.7'],
    'mapped.example.com': ['::ffff:127.0.0.1'],
    'empty.example.com': [],
  });
  const strict = { allowPrivate: false, resolve };
  const lax = { allowPrivate: true, resolve };

  it('accepts https to a name resolving only to public addresses, returning them to connect to', async () => {
    expect(await vetCallbackUrl('https://hooks.example.com/greenlight', strict)).toMatchObject({
      ok: true,
      addresses: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
    });
  });

  it('refuses a name with any non-public answer', async () => {
    expect(await vetCallbackUrl('https://rebind.example.com/', strict)).toMatchObject({
      ok: false,
      reason: 'blocked_address',
      message: expect.stringContaining('10.0.0.7'),
    });
    expect(await vetCallbackUrl('https://mapped.example.com/', strict)).toMatchObject({
      ok: false,
      reason: 'blocked_address',
      message: expect.stringContaining('loopback'),
    });
  });

  it('refuses http unless private networks are allowed', async () => {
    expect(await vetCallbackUrl('http://hooks.example.com/', strict)).toMatchObject({ ok: false, reason: 'scheme' });
    expect(await vetCallbackUrl('http://hooks.example.com/', lax)).toMatchObject({ ok: true });
    expect(await vetCallbackUrl('ftp://hooks.example.com/', lax)).toMatchObject({ ok: false, reason: 'scheme' });
  });

  it('allows private addresses only with CALLBACK_ALLOW_PRIVATE_NETWORKS, never metadata', async () => {
    expect(await vetCallbackUrl('http://127.0.0.1:8080/hook', lax)).toMatchObject({
      ok: true,
      addresses: [{ address: '127.0.0.1', family: 4 }],
    });
    expect(await vetCallbackUrl('https://[::1]/hook', lax)).toMatchObject({ ok: true });
    expect(await vetCallbackUrl('https://rebind.example.com/', lax)).toMatchObject({ ok: true });
    for (const url of ['http://169.254.169.254/', 'https://[fd00:ec2::254]/', 'https://metadata.google.internal./']) {
      expect(await vetCallbackUrl(url, lax), url).toMatchObject({ ok: false, reason: 'blocked_address' });
    }
  });

  it('refuses literal addresses in every spelling the URL parser normalises', async () => {
    for (const url of [
      'https://127.1/',
      'https://0x7f000001/',
      'https://2130706433/',
      'https://017700000001/',
      'https://[::ffff:7f00:1]/',
      'https://[0:0:0:0:0:ffff:127.0.0.1]/',
      'https://[::]/',
    ]) {
      expect(await vetCallbackUrl(url, strict), url).toMatchObject({ ok: false, reason: 'blocked_address' });
    }
  });

  it('reports a name that does not resolve, with the resolver’s code', async () => {
    expect(await vetCallbackUrl('https://nowhere.example.com/', strict)).toMatchObject({
      ok: false,
      reason: 'unresolvable',
      code: 'ENOTFOUND',
    });
    expect(await vetCallbackUrl('https://empty.example.com/', strict)).toMatchObject({
      ok: false,
      reason: 'unresolvable',
    });
  });
});
