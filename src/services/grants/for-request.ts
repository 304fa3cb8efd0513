import { apiClientName } from '../api-keys/client-names.ts';
import type { CoreDeps } from '../ports.ts';
import type { RequestRow } from '../requests/store/reads.ts';
import type { Tx } from '../types.ts';
import type { IssuedGrant } from './grants.ts';

/** The audience of grants for requests made in Slack. */
export const SLACK_AUDIENCE = 'slack';

/**
 * Issues the grant of a request being approved at `approvedAt`: valid from then for the route's
 * grant window (DEFAULT_GRANT_SECONDS when it sets none), for the API client that asked (by name)
 * or `slack`, naming the approvers whose votes approved it. `expiresAt` overrides the window's end
 * (an approved extension re-issues the grant with a later one).
 */
export async function issueGrantFor(
  deps: Pick<CoreDeps, 'grants' | 'config' | 'caches'>,
  tx: Tx,
  request: RequestRow,
  approvedAt: Date,
  audience?: string,
  expiresAt?: Date,
): Promise<IssuedGrant> {
  const client =
    audience ??
    (request.apiClientId === null
      ? SLACK_AUDIENCE
      : ((await apiClientName(deps, tx, request.apiClientId)) ?? SLACK_AUDIENCE));
  const windowSeconds = request.grantSeconds ?? deps.config.DEFAULT_GRANT_SECONDS;
  return deps.grants.issue({
    requestId: request.id,
    audience: client,
    action: request.action,
    resource: request.resource,
    environment: request.environment,
    paramsHash: request.paramsHash,
    requester: request.requesterSlackId,
    approvedBy: request.votes.filter((vote) => vote.decision === 'approve').map((vote) => vote.voterId),
    rule: request.ruleName,
    approvedAt,
    // A whole second, as the token's `exp` says it: the row and the token agree on when it lapses.
    expiresAt: expiresAt ?? new Date(Math.floor(approvedAt.getTime() / 1000 + windowSeconds) * 1000),
  });
}
