import { storableText } from '../../domain/storable-text.ts';
import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';

/** What someone tried on a request, from a Slack button or form: a decision, Revoke access, or Show grant. */
export type RequestAttempt = 'approve' | 'deny' | 'revoke' | 'show_grant';

/** The audit event a refused attempt is recorded as: the same name its refusal on a real request has. */
const REFUSED_EVENT: Record<RequestAttempt, string> = {
  approve: 'decision.refused',
  deny: 'decision.refused',
  revoke: 'revoke.refused',
  show_grant: 'grant.show_refused',
};

/**
 * Audits an attempt on a request that does not exist (an unknown id, or a value that is not an id at
 * all), which the use cases report as `not_found` without writing anything. There is no request row
 * to chain it to, so it joins the global audit stream; the id as sent is kept, made storable and cut
 * short, since it came from outside.
 */
export async function refuseUnknownRequest(
  deps: CoreDeps,
  input: { userId: string; requestId: string; decision: RequestAttempt },
): Promise<void> {
  const isDecision = input.decision === 'approve' || input.decision === 'deny';
  await deps.db.$transaction((tx) =>
    recordAudit(tx, {
      type: REFUSED_EVENT[input.decision],
      actor: { type: 'user', id: storableText(input.userId) },
      details: {
        ...(isDecision ? { decision: input.decision } : { attempt: input.decision }),
        reason: 'unknown_request',
        requestId: storableText(input.requestId),
      },
    }),
  );
}
