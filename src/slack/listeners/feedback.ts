import type { WebClient } from '@slack/web-api';
import type { AppError } from '../../errors.ts';
import type { DecideResult } from '../../services/requests/decide.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { describeDecider } from '../blocks/kit/actor.ts';
import { slackDate } from '../blocks/kit/date.ts';
import { grantStatusLine } from '../blocks/kit/grant.ts';
import { explainStageRefusal } from './stage-feedback.ts';

/**
 * Tells one user something only they should see: an ephemeral message where they clicked, or a
 * DM when there is no channel (App Home, modals).
 */
export async function tellUser(client: WebClient, input: { user: string; channel?: string | undefined; text: string }) {
  if (input.channel !== undefined && !input.channel.startsWith('D')) {
    try {
      await client.chat.postEphemeral({ channel: input.channel, user: input.user, text: input.text });
      return;
    } catch {
      // Not in the channel any more, or it is gone: fall back to a DM.
    }
  }
  const dm = await client.conversations.open({ users: input.user });
  await client.chat.postMessage({ channel: dm.channel?.id as string, text: input.text });
}

/** What the clicking user is told about their click, or null when the card update says it all. */
export function explainDecision(result: DecideResult, decision: 'approve' | 'deny'): string | null {
  switch (result.kind) {
    case 'not_found':
      return 'This request no longer exists.';
    case 'reason_required':
      return 'This rule asks approvers for a reason: please give one.';
    case 'refused': {
      const { request } = result;
      if (result.reason === 'self_approval') {
        return decision === 'approve'
          ? "You can't approve your own request: someone else has to."
          : "You can't decide your own request. A service that asked for it can cancel it.";
      }
      const chain = explainStageRefusal(result);
      if (chain !== null) return chain;
      if (result.reason === 'already_voted') {
        const approvals = request.votes.filter((v) => v.decision === 'approve').length;
        return `You already approved this request (${approvals} of ${request.requiredApprovals} approvals so far).`;
      }
      const approvers = request.approverIds.map((id) => `<@${id}>`).join(', ');
      return `You are not an approver for this request. Its approvers are ${approvers}.`;
    }
    case 'late': {
      const { request } = result;
      const by = describeDecider(request);
      const when = request.decidedAt ? ` ${slackDate(request.decidedAt)}` : '';
      switch (request.status) {
        case 'approved':
          return `Too late: this request was already approved ${by}${when}.`;
        case 'denied':
          return `Too late: this request was already denied ${by}${when}.`;
        case 'expired':
          return `Too late: this request expired ${slackDate(request.expiresAt)}.`;
        case 'cancelled':
          return `Too late: this request was cancelled${when}.`;
        default:
          return `Too late: this request is already ${request.status}.`;
      }
    }
    case 'recorded':
      if (result.status !== 'pending') return null;
      return `Your approval is recorded: ${result.request.votes.filter((v) => v.decision === 'approve').length} of ${result.request.requiredApprovals} needed.`;
  }
}

/** The refusal a person who may not revoke a request's access is shown (the contract's wording). */
export const REVOKE_FORBIDDEN = 'Only the requester or an approver can revoke this access.';

/**
 * What the user is told when Revoke access is refused (`revokeGrant` / `precheckRevoke` threw):
 * who may revoke, or how the grant ended instead — with when and by whom, from `request` as it now stands.
 */
export function explainRevokeRefusal(error: AppError, request: RequestRow | null): string {
  switch (error.code) {
    case 'not_found':
      return 'This request no longer exists.';
    case 'forbidden':
      return REVOKE_FORBIDDEN;
    case 'already_executed':
    case 'revoked':
    case 'lapsed':
    case 'conflict': {
      const line = request === null ? null : grantStatusLine(request);
      if (line !== null) return `Nothing to revoke: ${line}`;
      return `Nothing to revoke: ${request === null ? error.message : `this request is ${request.status}`}.`;
    }
    default:
      return `Not revoked: ${error.message}.`;
  }
}
