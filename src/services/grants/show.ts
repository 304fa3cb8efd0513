import { recordAudit } from '../audit/audit.ts';
import { auditRefusal } from '../audit/refusal.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from '../requests/locking.ts';
import type { RequestRow } from '../requests/store.ts';

/** What a request to see a grant in Slack comes to. */
export type ShowGrantResult =
  /** Approved: the row carries the grant token as it is now. */
  | { kind: 'shown'; request: RequestRow }
  /** There is no grant to show any more (executed, revoked, lapsed) or never was. */
  | { kind: 'ended'; request: RequestRow }
  /** Not this user's to see: someone else's request, or one a service made (its grant is the service's). */
  | { kind: 'refused'; reason: 'not_requester' | 'not_slack_request'; request: RequestRow }
  | { kind: 'not_found' };

/**
 * **Show grant**: hands a Slack requester their request's grant token, read from the row at the
 * moment they ask. Only the requester of a request made in Slack may see it; every showing
 * (`grant.shown`) and refusal (`grant.show_refused`) is audited — the token itself never is. Locking
 * settles the clocks first, so a grant whose window just passed is lapsed here, not shown.
 */
export async function showGrant(
  deps: CoreDeps,
  input: { requestId: string; userId: string },
): Promise<ShowGrantResult> {
  const actor = { type: 'user', id: input.userId } as const;
  let expiredNow = false;
  const result = await withLockedRequest(deps, input.requestId, async (tx, locked): Promise<ShowGrantResult> => {
    if (locked === null) return { kind: 'not_found' };
    expiredNow = locked.expiredNow;
    const { request } = locked;
    const reason =
      request.requesterSlackId !== input.userId
        ? 'not_requester'
        : request.source !== 'slack'
          ? 'not_slack_request'
          : null;
    if (reason !== null) {
      const refusal = { type: 'grant.show_refused', actor, reason, details: { status: request.status } };
      await auditRefusal(tx, { requestId: request.id, ...refusal });
      return { kind: 'refused', reason, request };
    }
    if (request.status !== 'approved' || request.grantToken === null) return { kind: 'ended', request };
    await recordAudit(tx, { requestId: request.id, type: 'grant.shown', actor, details: { grantId: request.grantId } });
    return { kind: 'shown', request };
  });
  if (expiredNow && result.kind !== 'not_found') await deps.effects.requestsChanged([result.request]);
  return result;
}
