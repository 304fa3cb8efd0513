import { storableText } from '../../domain/storable-text.ts';
import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';

/**
 * Audits a decision on a request that does not exist (an unknown id, or a value that is not an id at
 * all), which `decide` and `precheckDecision` report as `not_found` without writing anything. There
 * is no request row to chain it to, so it joins the global audit stream; the id as sent is kept,
 * made storable and cut short, since it came from outside.
 */
export async function refuseUnknownRequest(
  deps: CoreDeps,
  input: { userId: string; requestId: string; decision: 'approve' | 'deny' },
): Promise<void> {
  await deps.db.$transaction((tx) =>
    recordAudit(tx, {
      type: 'decision.refused',
      actor: { type: 'user', id: storableText(input.userId) },
      details: { decision: input.decision, reason: 'unknown_request', requestId: storableText(input.requestId) },
    }),
  );
}
