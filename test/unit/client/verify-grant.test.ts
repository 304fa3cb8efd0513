import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FetchLike,
  GRANT_TYPE,
  type GrantExpectation,
  GrantVerificationError,
  GreenlightError,
  verifyGrant,
} from '../../../src/client/index.ts';
import { hashParameters } from '../../../src/domain/params-hash.ts';

/** A key set served by a fetch of our own, so signing can be varied freely. */
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let jwks: unknown;
const KID = 'k1';
const JWKS_URL = 'https://greenlight.test/.well-known/jwks.json';
const served: FetchLike = async () => new Response(JSON.stringify(jwks), { status: 200 });

const requestId = randomUUID();
const expectation: GrantExpectation = {
  action: 'db.migrate',
  resource: 'prod/main',
  environment: 'production',
  params: { ticket: 'OPS-1', rows: 3, dry: false },
  requestId,
};
const now = () => Math.floor(Date.now() / 1000);

function grant(claims: JWTPayload = {}, header: { typ?: string; kid?: string } = {}) {
  return new SignJWT({
    action: expectation.action,
    resource: expectation.resource,
    environment: expectation.environment,
    params_hash: hashParameters({
      action: expectation.action,
      resource: expectation.resource,
      environment: expectation.environment,
      context: expectation.params ?? {},
    }),
    requester: 'U0REQUEST1',
    approved_by: ['U0APPROVA1'],
    rule: null,
    iss: 'https://greenlight.test',
    aud: 'ci',
    sub: requestId,
    jti: randomUUID(),
    iat: now() - 10,
    nbf: now() - 10,
    exp: now() + 600,
    ...claims,
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: header.kid ?? KID, typ: header.typ ?? GRANT_TYPE })
    .sign(privateKey);
}

async function claimOf(token: string, fetch: FetchLike = served): Promise<string> {
  const error = await verifyGrant(token, { jwksUrl: JWKS_URL, fetch, expect: expectation }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GrantVerificationError);
  return (error as GrantVerificationError).claim;
}

describe('verifyGrant (keys served locally)', () => {
  beforeAll(async () => {
    const pair = await generateKeyPair('EdDSA');
    privateKey = pair.privateKey;
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'EdDSA', use: 'sig' }] };
  });

  it('accepts a grant for exactly what is expected, the params hash recomputed as the service does', async () => {
    const claims = await verifyGrant(await grant(), { jwksUrl: JWKS_URL, fetch: served, expect: expectation });
    expect(claims).toMatchObject({ sub: requestId, action: 'db.migrate' });
    // Key order does not matter to the hash.
    const reordered = { ...expectation, params: { dry: false, rows: 3, ticket: 'OPS-1' } };
    await expect(
      verifyGrant(await grant(), { jwksUrl: JWKS_URL, fetch: served, expect: reordered }),
    ).resolves.toBeTruthy();
  });

  it('names the claim that does not hold', async () => {
    expect(await claimOf(await grant({}, { typ: 'JWT' }))).toBe('typ');
    expect(await claimOf(await grant({ exp: now() - 60 }))).toBe('exp');
    expect(await claimOf(await grant({ nbf: now() + 600 }))).toBe('nbf');
    expect(await claimOf(await grant({}, { kid: 'unknown' }))).toBe('kid');
    expect(await claimOf(await grant({ action: 'db.drop' }))).toBe('action');
    expect(await claimOf(await grant({ resource: 'prod/other' }))).toBe('resource');
    expect(await claimOf(await grant({ environment: null }))).toBe('environment');
    expect(await claimOf(await grant({ params_hash: 'f'.repeat(64) }))).toBe('params_hash');
    expect(await claimOf(await grant({ sub: randomUUID() }))).toBe('sub');
    const hs256 = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: KID, typ: GRANT_TYPE })
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await claimOf(hs256)).toBe('alg');
  });

  it('keys that cannot be fetched are a GreenlightError, not an invalid grant', async () => {
    const token = await grant();
    const down: FetchLike = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(verifyGrant(token, { jwksUrl: JWKS_URL, fetch: down, expect: expectation })).rejects.toMatchObject({
      name: 'GreenlightError',
      code: 'unreachable',
    });
    const broken: FetchLike = async () => new Response('oops', { status: 500 });
    const error = await verifyGrant(token, { jwksUrl: JWKS_URL, fetch: broken, expect: expectation }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GreenlightError);
    expect(error).toMatchObject({ code: 'jwks_unavailable' });
  });
});
