import type { CoreDeps } from '../../../services/ports.ts';
import { recordDecision } from '../../../services/requests/decide.ts';
import {
  grantStandingApproval,
  STANDING_APPROVAL_SECONDS,
  type StandingApproval,
} from '../../../services/standing/standing-approvals.ts';
import { slackDate } from '../../blocks/kit/date.ts';
import { explainDecision } from '../feedback.ts';
import { APPROVE_FAILURE } from './approve-request.ts';
import { recordingButton } from './request-button.ts';

/**
 * "Approve this tool for 15 minutes" on an MCP tool call's card: records the approval as Approve
 * does (the same eligibility and self-approval checks), and once it approves the request, a standing
 * approval that approves later identical calls at once until it expires or is revoked in App Home.
 * The card offers it only where one approval decides (standingScopeOf).
 */
export function approveForWhileCallback(deps: CoreDeps) {
  return recordingButton(
    { ...APPROVE_FAILURE, log: 'approve for a while' },
    {
      record: ({ user, value: requestId }) => recordDecision(deps, { requestId, userId: user, decision: 'approve' }),
      respond: async ({ user, tell }, { result, announce }) => {
        await announce();
        if (result.kind !== 'recorded' || result.status !== 'approved') {
          const text = explainDecision(result, 'approve');
          if (text !== null) await tell(text);
          return;
        }
        let standing: StandingApproval;
        try {
          standing = await grantStandingApproval(deps, result.request, user);
        } catch (error) {
          deps.logger.error({ err: error, requestId: result.request.id }, 'standing approval not recorded');
          await tell('Approved, but approving it for a while failed: later calls will be asked again.');
          return;
        }
        await tell(
          `Approved. Identical calls of \`${standing.action}\` are approved at once until ${slackDate(standing.expiresAt)} (${STANDING_APPROVAL_SECONDS / 60} minutes); revoke it in App Home under Active access.`,
        );
      },
    },
  );
}
