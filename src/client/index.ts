/**
 * `greenlight/client`: the typed client for pipelines and services that ask Greenlight for approval,
 * verify the grant offline and check signed webhooks. Depends on fetch, jose and standardwebhooks
 * only, never on the server.
 */

/** SHA-256 of a JSON value's canonical form (keys sorted): how `mcp.arguments_sha256` binds a tool call's arguments. */
export { hashJson } from '../domain/params-hash.ts';
export {
  type ClientOptions,
  type CreatedRequest,
  createClient,
  type GreenlightClient,
  type WaitOptions,
} from './client.ts';
export { GrantVerificationError, GreenlightError } from './errors.ts';
export type { FetchLike } from './http.ts';
export type * from './types.ts';
export {
  checkGrantClaims,
  GRANT_TYPE,
  type GrantExpectation,
  type GrantKeySource,
  type VerifyGrantOptions,
  verifyGrant,
  verifyGrantSignature,
} from './verify-grant.ts';
export { type HeaderSource, verifyWebhook, WebhookSignatureError } from './verify-webhook.ts';
export { type Withdrawal, withdrawRequest } from './withdraw.ts';
