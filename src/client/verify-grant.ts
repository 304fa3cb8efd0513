import { createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose';
import { hashParameters } from '../domain/params-hash.ts';
import { GrantVerificationError, GreenlightError } from './errors.ts';
import type { FetchLike } from './http.ts';
import type { ContextValue, GrantClaims } from './types.ts';

/** The JWT `typ` of a grant (the service signs nothing else with it). */
export const GRANT_TYPE = 'greenlight-grant+jwt';

/** What the caller is about to do: a grant for anything else must not be acted on. */
export interface GrantExpectation {
  action: string;
  resource: string;
  /** The environment the request named, or null when it named none. */
  environment: string | null;
  /** The request's context: when given, the grant's `params_hash` must be the hash of exactly these. */
  params?: Record<string, ContextValue>;
  /** The request id the grant must be for (`sub`). */
  requestId?: string;
}

/** Where the keys are and which issuer and audience to insist on. */
export interface GrantKeySource {
  /** The service's key set, `<base URL>/.well-known/jwks.json`. */
  jwksUrl: string;
  /** The service's PUBLIC_URL, when the caller knows it (checked as `iss`). */
  issuer?: string;
  /** The API client name the grant was issued to (checked as `aud`). */
  audience?: string;
  /** A `fetch` for the key set instead of the global one. */
  fetch?: FetchLike;
}

/** `verifyGrant`'s options: the key source and what the grant must be for. */
export interface VerifyGrantOptions extends GrantKeySource {
  expect: GrantExpectation;
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;
/** Key sets by URL, so repeated verifications reuse fetched keys (jose refetches on an unknown `kid`). */
const keySets = new Map<string, KeySet>();
const keySetsByFetch = new WeakMap<FetchLike, Map<string, KeySet>>();

function keySetFor(source: GrantKeySource): KeySet {
  let cache = keySets;
  if (source.fetch !== undefined) {
    cache = keySetsByFetch.get(source.fetch) ?? new Map();
    keySetsByFetch.set(source.fetch, cache);
  }
  let keySet = cache.get(source.jwksUrl);
  if (keySet === undefined) {
    keySet = createRemoteJWKSet(
      new URL(source.jwksUrl),
      source.fetch === undefined ? {} : { [customFetch]: source.fetch },
    );
    cache.set(source.jwksUrl, keySet);
  }
  return keySet;
}

/** The GrantVerificationError (or, when the keys could not be fetched, GreenlightError) a jose failure stands for. */
function refusal(error: unknown, jwksUrl: string): Error {
  if (error instanceof errors.JWTExpired)
    return new GrantVerificationError('exp', 'the grant has expired', { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new GrantVerificationError(
      error.claim,
      `the grant's "${error.claim}" is not as expected (${error.message})`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new GrantVerificationError('kid', 'the grant is signed by a key the service does not publish', {
      cause: error,
    });
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new GrantVerificationError('alg', 'the grant is not signed with EdDSA', { cause: error });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new GrantVerificationError('signature', 'the grant’s signature does not verify: it was altered or forged', {
      cause: error,
    });
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new GrantVerificationError('token', 'the grant is not a well-formed signed token', { cause: error });
  }
  if (error instanceof errors.JWKSTimeout || error instanceof TypeError) {
    return new GreenlightError(0, 'unreachable', `cannot fetch the grant keys from ${jwksUrl}`, [], null, {
      cause: error,
    });
  }
  if (error instanceof errors.JOSEError) {
    return new GreenlightError(
      0,
      'jwks_unavailable',
      `cannot use the grant keys from ${jwksUrl}: ${error.message}`,
      [],
      null,
      {
        cause: error,
      },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Checks a grant's signature offline against the service's published keys (EdDSA, `typ`
 * greenlight-grant+jwt, within its time window, and `iss`/`aud` when given) and returns its
 * claims. It says nothing about what the grant is for: use {@link verifyGrant} before acting.
 */
export async function verifyGrantSignature(token: string, source: GrantKeySource): Promise<GrantClaims> {
  try {
    const { payload } = await jwtVerify<GrantClaims>(token, keySetFor(source), {
      algorithms: ['EdDSA'],
      typ: GRANT_TYPE,
      requiredClaims: ['sub', 'jti', 'exp', 'nbf'],
      ...(source.issuer === undefined ? {} : { issuer: source.issuer }),
      ...(source.audience === undefined ? {} : { audience: source.audience }),
    });
    return payload;
  } catch (error) {
    throw refusal(error, source.jwksUrl);
  }
}

/**
 * Compares a verified grant's bound claims with what the caller expects; only the fields given are
 * compared. Throws GrantVerificationError naming the first claim that differs.
 */
export function checkGrantClaims(claims: GrantClaims, expect: Partial<GrantExpectation>): void {
  const differs = (claim: string, expected: unknown, actual: unknown) =>
    new GrantVerificationError(
      claim,
      `the grant is for ${claim} ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}`,
    );
  if (expect.requestId !== undefined && claims.sub !== expect.requestId)
    throw differs('sub', expect.requestId, claims.sub);
  if (expect.action !== undefined && claims.action !== expect.action)
    throw differs('action', expect.action, claims.action);
  if (expect.resource !== undefined && claims.resource !== expect.resource) {
    throw differs('resource', expect.resource, claims.resource);
  }
  if (expect.environment !== undefined && (claims.environment ?? null) !== expect.environment) {
    throw differs('environment', expect.environment, claims.environment);
  }
  if (expect.params !== undefined) {
    const expected = hashParameters({
      action: expect.action ?? claims.action,
      resource: expect.resource ?? claims.resource,
      environment: expect.environment === undefined ? claims.environment : expect.environment,
      context: expect.params,
    });
    if (claims.params_hash !== expected) {
      throw new GrantVerificationError(
        'params_hash',
        'the grant was approved for other parameters (context) than these',
      );
    }
  }
}

/**
 * Verifies a grant offline before acting on it: signature, type and window against the service's
 * published keys, then that it is for exactly this action, resource, environment (and, when given,
 * parameters and request). Any difference throws GrantVerificationError naming the claim; keys
 * that cannot be fetched throw GreenlightError (`unreachable`).
 */
export async function verifyGrant(token: string, options: VerifyGrantOptions): Promise<GrantClaims> {
  const claims = await verifyGrantSignature(token, options);
  checkGrantClaims(claims, options.expect);
  return claims;
}
