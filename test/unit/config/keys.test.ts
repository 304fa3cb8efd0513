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
  it('defaults to 20 failed authentications and 600 requests a minute; 0 turns a limit off', () => {
    expect(parseConfigParts({}, ['keys'])).toMatchObject({
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: 20,
      RATE_LIMIT_REQUESTS_PER_MINUTE: 600,
    });
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
