import { approverRefusal } from '../../domain/decision.ts';
import { recordAudit } from '../audit/audit.ts';
import { auditRefusal } from '../audit/refusal.ts';
import { issueGrantFor } from '../grants/for-request.ts';
import type { CoreDeps } from '../ports.ts';
import type { Recorded } from './decide.ts';
import { withLockedRequest } from './locking.ts';
import { grantLifetimeEnd } from './request-extension.ts';
import { bumpRequestVersion, replaceGrant } from './store/changes.ts';
import { getRequest, type RequestRow } from './store/reads.ts';

export type ExtensionDecision = 'approve' | 'deny';

export type DecideExtensionResult =
  | { kind: 'decided'; decision: ExtensionDecision; request: RequestRow }
  | { kind: 'not_found' }
  | {
      kind: 'refused';
      reason: 'self' | 'not_an_approver' | 'already_decided';
      request: RequestRow;
      /** How the extension stands (for already_decided: approved, denied, or moot). */
      status: string;
    };

/**
 * One routed approver (never the requester) decides a pending grant extension: a single decision
 * settles it (quorum 1, whatever the request's own quorum was). Approval re-issues the grant — a NEW
 * token, same request binding, `exp` = the old expiry + the extension (at most 30 days after the
 * approval) — writes it to the row in one conditional update (still approved, still that grant, not
 * yet past its window), and the lapse timer follows (`requestsRescheduled`). The old token keeps
 * its own `exp` but is no longer the request's grant, so it cannot be executed. Audited as
 * `extension.approved` / `extension.denied`; refusals as `extension.refused`. An extension whose
 * grant ended first was closed as moot by the transition that ended it (transition.ts).
 */
export async function decideExtension(deps: CoreDeps, input: ExtensionDecisionInput): Promise<DecideExtensionResult> {
  const { result, announce } = await recordExtensionDecision(deps, input);
  await announce();
  return result;
}

export interface ExtensionDecisionInput {
  requestId: string;
  extensionId: string;
  userId: string;
  decision: ExtensionDecision;
}

/**
 * `decideExtension` in two steps: the transaction alone, then (when the caller chooses) the lapse
 * timer and the thread notice. A Slack button acks between the two, so its ack waits on the commit.
 */
export async function recordExtensionDecision(
  deps: CoreDeps,
  input: ExtensionDecisionInput,
): Promise<Recorded<DecideExtensionResult>> {
  let expiredNow = false;
  const result = await withLockedRequest(
    deps,
    input.requestId,
    async (tx, locked, now): Promise<DecideExtensionResult> => {
      if (locked === null) return { kind: 'not_found' };
      expiredNow = locked.expiredNow;
      const { request } = locked;
      const extension = request.extensions.find((e) => e.id === input.extensionId);
      if (extension === undefined) return { kind: 'not_found' };
      const actor = { type: 'user', id: input.userId } as const;
      const reason =
        approverRefusal(input.userId, request) ?? (extension.status !== 'pending' ? 'already_decided' : null);
      if (reason !== null) {
        const details = { extensionId: extension.id, extensionStatus: extension.status, decision: input.decision };
        await auditRefusal(tx, { requestId: request.id, type: 'extension.refused', actor, reason, details });
        return { kind: 'refused', reason, request, status: extension.status };
      }
      if (input.decision === 'deny') {
        await tx.grantExtension.update({
          where: { id: extension.id },
          data: { status: 'denied', decidedBy: input.userId, decidedAt: now },
        });
        await bumpRequestVersion(tx, request.id);
        await recordAudit(tx, {
          requestId: request.id,
          type: 'extension.denied',
          actor,
          details: { extensionId: extension.id, seconds: extension.seconds, grantId: request.grantId },
        });
      } else {
        // A pending extension implies an approved grant still in its window: lockCurrent lapsed an
        // overdue one, and that transition closed this extension as moot.
        const previous = request.grantExpiresAt as Date;
        const wanted = new Date(previous.getTime() + extension.seconds * 1000);
        const cap = grantLifetimeEnd(request);
        const expiresAt = wanted.getTime() > cap.getTime() ? cap : wanted;
        const grant = await issueGrantFor(deps, tx, request, now, undefined, expiresAt);
        const replaced = await replaceGrant(tx, request.id, { grantId: request.grantId, now }, grant);
        if (!replaced) throw new Error(`request ${request.id} changed concurrently (extending its grant)`);
        await tx.grantExtension.update({
          where: { id: extension.id },
          data: { status: 'approved', decidedBy: input.userId, decidedAt: now, grantExpiresAt: grant.expiresAt },
        });
        await recordAudit(tx, {
          requestId: request.id,
          type: 'extension.approved',
          actor,
          details: {
            extensionId: extension.id,
            seconds: extension.seconds,
            capped: expiresAt !== wanted,
            previousGrantId: request.grantId,
            previousGrantExpiresAt: previous.toISOString(),
            grantId: grant.id,
            grantKid: grant.kid,
            grantExpiresAt: grant.expiresAt.toISOString(),
          },
        });
      }
      const updated = await getRequest(tx, request.id);
      if (updated === null) throw new Error(`request ${request.id} vanished under its lock`);
      return { kind: 'decided', decision: input.decision, request: updated };
    },
  );
  const announce = async () => {
    if (result.kind === 'decided') {
      await deps.effects.requestsRescheduled([result.request]);
      await deps.effects.workflowNotices([
        { kind: 'extension_closed', requestId: result.request.id, id: input.extensionId },
      ]);
    } else if (expiredNow && result.kind !== 'not_found') {
      await deps.effects.requestsChanged([result.request]);
    }
  };
  return { result, announce };
}
