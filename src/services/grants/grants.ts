import { randomUUID } from 'node:crypto';
import { errors, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { GrantClaims as BoundClaims } from '../../domain/grant-claims.ts';
import type { GrantKeys } from './keys.ts';

/** The JWT `typ` of a grant: a token of another kind, even one signed by us, is never a grant. */
export const GRANT_TYPE = 'greenlight-grant+jwt';

/** A grant's claims as jose reads them: the registered JWT claims and what a grant binds (domain/grant-claims.ts). */
export type GrantClaims = JWTPayload & BoundClaims;

/** A grant as issued: the token and what the request row records about it. */
export interface IssuedGrant {
  token: string;
  id: string;
  kid: string;
  expiresAt: Date;
}

/** What a grant is issued for. */
export interface GrantSubject {
  requestId: string;
  audience: string;
  action: string;
  resource: string;
  environment: string | null;
  paramsHash: string;
  requester: string;
  approvedBy: string[];
  rule: string | null;
  approvedAt: Date;
  expiresAt: Date;
}

/** Why a token is not a valid grant. `expired` tells a token past its window apart from a forged one. */
export class InvalidGrantError extends Error {
  constructor(
    message: string,
    readonly claims?: GrantClaims,
    readonly expired = false,
  ) {
    super(message);
    this.name = 'InvalidGrantError';
  }
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Grants: signing on approval, and verifying a token presented back (execute). */
export interface Grants {
  issue(subject: GrantSubject): Promise<IssuedGrant>;
  /** The token's claims when we signed it and it is valid now; else InvalidGrantError. */
  verify(token: string): Promise<GrantClaims>;
  keys: GrantKeys;
}

export function createGrants(deps: { keys: GrantKeys; issuer: string; now(): Date }): Grants {
  return {
    keys: deps.keys,
    async issue(subject) {
      const key = await deps.keys.signingKey();
      const id = randomUUID();
      const claims = {
        action: subject.action,
        resource: subject.resource,
        environment: subject.environment,
        params_hash: subject.paramsHash,
        requester: subject.requester,
        approved_by: subject.approvedBy,
        rule: subject.rule,
      };
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: GRANT_TYPE })
        .setIssuer(deps.issuer)
        .setAudience(subject.audience)
        .setSubject(subject.requestId)
        .setJti(id)
        .setIssuedAt(seconds(subject.approvedAt))
        .setNotBefore(seconds(subject.approvedAt))
        .setExpirationTime(seconds(subject.expiresAt))
        .sign(key.privateKey);
      return { token, id, kid: key.kid, expiresAt: subject.expiresAt };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify<GrantClaims>(
          token,
          async (header) => {
            const key = header.kid === undefined ? null : await deps.keys.verificationKey(header.kid);
            if (key === null) throw new InvalidGrantError('the grant is signed by a key this service does not know');
            return key;
          },
          { issuer: deps.issuer, typ: GRANT_TYPE, algorithms: ['EdDSA'], currentDate: deps.now() },
        );
        return payload;
      } catch (error) {
        if (error instanceof InvalidGrantError) throw error;
        if (error instanceof errors.JWTExpired) {
          throw new InvalidGrantError('the grant has expired', error.payload as GrantClaims, true);
        }
        throw new InvalidGrantError('the grant is not a valid token signed by this service');
      }
    },
  };
}
