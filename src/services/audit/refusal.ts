import type { Actor } from '../../domain/actor.ts';
import type { Tx } from '../types.ts';
import { recordAudit } from './audit.ts';

/**
 * The refusal step the use cases share: a refused attempt (an ineligible user, a late click, a
 * request in the wrong state) is audited as `type` under the same row lock, with its `reason`
 * first in the details, before the use case answers its refusal. Nothing else is written.
 */
export async function auditRefusal(
  tx: Tx,
  refusal: { requestId: string; type: string; actor: Actor; reason: string; details?: Record<string, unknown> },
): Promise<void> {
  await recordAudit(tx, {
    requestId: refusal.requestId,
    type: refusal.type,
    actor: refusal.actor,
    details: { reason: refusal.reason, ...refusal.details },
  });
}
