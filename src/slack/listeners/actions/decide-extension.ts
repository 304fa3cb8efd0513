import type { CoreDeps } from '../../../services/ports.ts';
import { decideExtension, type ExtensionDecision } from '../../../services/requests/decide-extension.ts';
import { parseWorkflowRef } from '../../blocks/workflow-ref.ts';
import { requestButton } from './request-button.ts';

/** What the presser is told when their decision on an extension is refused. */
const REFUSED = {
  self: 'You asked for this access yourself: only its approvers can extend it.',
  not_an_approver: 'Only the approvers of this request can decide its extension.',
} as const;
const CLOSED: Record<string, string> = {
  approved: 'This extension was already approved.',
  denied: 'This extension was already denied.',
  moot: 'This extension was closed: the grant ended before anyone decided.',
};

/**
 * Approve extension / Deny extension on the extension's thread reply (registered once per
 * decision): ack, then decide at once — one routed approver settles it. The thread reply, the card
 * and the requester's DM follow from the change; a refusal is audited and explained to the presser.
 */
export function decideExtensionCallback(deps: CoreDeps, decision: ExtensionDecision) {
  return requestButton(
    { log: `extension ${decision}`, failed: 'Something went wrong: nothing was recorded. Please try again.' },
    async ({ user, value, tell }) => {
      const ref = parseWorkflowRef(value);
      const result =
        ref === null
          ? ({ kind: 'not_found' } as const)
          : await decideExtension(deps, { requestId: ref.requestId, extensionId: ref.id, userId: user, decision });
      if (result.kind === 'decided') return;
      await tell(
        result.kind === 'not_found'
          ? 'This extension no longer exists.'
          : result.reason === 'already_decided'
            ? (CLOSED[result.status] ?? 'This extension was already decided.')
            : REFUSED[result.reason],
      );
    },
  );
}
