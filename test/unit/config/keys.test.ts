import express from 'express';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfigParts } from '../../../src/config/index.ts';
import { problemsOf } from './problems.ts';

const keys = (value: string) => problemsOf({ SERVICE_API_KEYS: value }, ['keys']);
const SECRET = '0123456789abcdef0123456789';

describe('service API keys config', () => {
  it('splits name:secret pairs; a third part :admin makes an admin key, anything else is request-scoped', () => {
    expect(
      parseConfigParts({ SERVICE_API_KEYS: `ci:${SECRET}, auditor:zyxwvutsrqponmlkjihgfedcba:admin` }, ['keys'])
        .SERVICE_API_KEYS,
    ).toEqual([
      { name: 'ci', secret: SECRET, scope: 'request' },
      { name: 'auditor', secret: 'zyxwvutsrqponmlkjihgfedcba', scope: 'admin' },
    ]);
  });

  it('refuses a third part other than admin, naming the entry and showing neither part', () => {
    const problems = keys(
      `ci:${SECRET}:Admin,deploy:${SECRET}:with:colons,audit:${SECRET}:,ops:${SECRET}:admin:admin,ok:${SECRET}:admin`,
    );
    const refused = (name: string) =>
      `SERVICE_API_KEYS entry "${name}" has a third part that is not "admin": write name:secret or name:secret:admin, and no ":" in a secret (value not shown)`;
    expect(problems).toEqual([refused('ci'), refused('deploy'), refused('audit'), refused('ops')]);
    expect(problems.join('\n')).not.toContain(SECRET);
    expect(problems.join('\n')).not.toContain('colons');
  });

  it('checks an admin key’s secret length and name like any other', () => {
    expect(keys(`audit:short:admin,bad name!:${SECRET}:admin,audit:${SECRET}:admin`)).toEqual([
      'SERVICE_API_KEYS entry "audit" has a secret of 5 characters; secrets need 24 or more',
      'SERVICE_API_KEYS entry 2 has a name that is not 1–64 letters, digits, _ . or - starting with a letter or digit (value not shown)',
      'SERVICE_API_KEYS entry "audit" appears more than once; service names must be unique',
    ]);
  });

  it('names an entry by its name, or by its position when it has no usable name', () => {
    expect(keys(`ci:short,just-a-secret-pasted-alone,bad name!:${SECRET},ci:${SECRET}`)).toEqual([
      'SERVICE_API_KEYS entry "ci" has a secret of 5 characters; secrets need 24 or more',
      'SERVICE_API_KEYS entry 2 is not name:secret (value not shown)',
      'SERVICE_API_KEYS entry 3 has a name that is not 1–64 letters, digits, _ . or - starting with a letter or digit (value not shown)',
      'SERVICE_API_KEYS entry "ci" appears more than once; service names must be unique',
    ]);
  });

  it('never shows a secret, whatever is wrong with the list', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9+/=_-]{12,40}$/);
    const scope = fc.constantFrom('', ':admin', ':request', ':', ':admin:x');
    const entry = fc.oneof(
      fc.record({ name: fc.constantFrom('ci', 'deploy', 'bad name', ''), secret, scope }),
      secret.map((alone) => ({ name: undefined, secret: alone, scope: '' })),
    );
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 5 }), (entries) => {
        const value = entries
          .map((e) => (e.name === undefined ? e.secret : `${e.name}:${e.secret}${e.scope}`))
          .join(',');
        let problems: string[];
        try {
          parseConfigParts({ SERVICE_API_KEYS: value }, ['keys']);
          return;
        } catch (error) {
          problems = (error as { problems: string[] }).problems;
        }
        const text = problems.join('\n');
        for (const e of entries) expect(text).not.toContain(e.secret);
      }),
    );
  });
});

describe('rate limit config', () => {
  it('defaults to 20 failed authentications, 600 requests and 600 webhook deliveries a minute; 0 turns a limit off', () => {
    expect(parseConfigParts({}, ['keys'])).toMatchObject({
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: 20,
      RATE_LIMIT_REQUESTS_PER_MINUTE: 600,
      RATE_LIMIT_WEBHOOKS_PER_MINUTE: 600,
    });
    expect(parseConfigParts({ RATE_LIMIT_WEBHOOKS_PER_MINUTE: '0' }, ['keys']).RATE_LIMIT_WEBHOOKS_PER_MINUTE).toBe(0);
    expect(
      parseConfigParts({ RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '0', RATE_LIMIT_REQUESTS_PER_MINUTE: '0' }, ['keys']),
    ).toMatchObject({ RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: 0, RATE_LIMIT_REQUESTS_PER_MINUTE: 0 });
  });

  it('names each bad value', () => {
    expect(
      problemsOf({ RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '-1', RATE_LIMIT_REQUESTS_PER_MINUTE: 'lots' }, ['keys']),
    ).toEqual([
      'RATE_LIMIT_AUTH_FAILURES_PER_MINUTE "-1" is out of range (0–1000000)',
      'RATE_LIMIT_REQUESTS_PER_MINUTE "lots" is not a number',
    ]);
  });
});

describe('TRUST_PROXY', () => {
  const trust = (value?: string) => parseConfigParts({ TRUST_PROXY: value }, ['keys']).TRUST_PROXY;

  it('trusts nobody by default (unset, empty, false or 0)', () => {
    for (const value of [undefined, '', 'false', 'FALSE', '0']) expect(trust(value), String(value)).toBe(false);
  });

  it('takes a hop count, or a list of addresses, subnets and Express’s range names', () => {
    expect(trust('1')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, 192.168.1.7,fd00::/8, ::1, loopback,uniquelocal,linklocal')).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      '::1',
      'loopback',
      'uniquelocal',
      'linklocal',
    ]);
  });

  it('hands Express only values it compiles', () => {
    for (const value of ['1', '3', '10.0.0.0/8,loopback', '2001:db8::/32', '127.0.0.1']) {
      const app = express();
      expect(() => app.set('trust proxy', trust(value)), value).not.toThrow();
    }
  });

  it('refuses true (anyone could forge an address), big hop counts and every bad entry, each by name', () => {
    expect(problemsOf({ TRUST_PROXY: 'true' }, ['keys'])).toEqual([
      'TRUST_PROXY "true" would trust every peer, so any client could forge its address: give the number of proxies in front (1 for one ingress) or their addresses',
    ]);
    expect(problemsOf({ TRUST_PROXY: '11' }, ['keys'])).toEqual(['TRUST_PROXY "11" is out of range (0–10 proxies)']);
    expect(problemsOf({ TRUST_PROXY: ',' }, ['keys'])).toEqual(['TRUST_PROXY "," names no proxy']);
    const entry = (text: string) =>
      `TRUST_PROXY entry "${text}" is not an address, a subnet (10.0.0.0/8), or one of loopback, linklocal, uniquelocal`;
    expect(
      problemsOf({ TRUST_PROXY: '10.0.0.0/33,loopback,0x7f.1,ingress,-1,10.0.0.1/x,::1/129,1.2.3.4,yes' }, ['keys']),
    ).toEqual([
      entry('10.0.0.0/33'),
      entry('0x7f.1'),
      entry('ingress'),
      entry('-1'),
      entry('10.0.0.1/x'),
      entry('::1/129'),
      entry('yes'),
    ]);
  });
});
