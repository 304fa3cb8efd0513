/**
 * What a grant binds: the claims of every grant token Greenlight signs, the public contract that
 * services verify offline. One type for the signer (services/grants) and the typed client.
 */
export interface GrantClaims {
  iss: string;
  /** The audience the grant is for (GRANT_AUDIENCE); a single string. */
  aud: string;
  /** The request id. */
  sub: string;
  /** The grant id; the request records it, so only its current grant can be executed. */
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  action: string;
  resource: string;
  environment: string | null;
  params_hash: string;
  /** The requester's Slack user id. */
  requester: string;
  approved_by: string[];
  /** The rule that routed or auto-approved the request, or null. */
  rule: string | null;
}
