import type { Prisma } from '../../generated/prisma/client.ts';
import type { AuditInput } from '../audit/audit.ts';
import type { RequestRow } from './store/reads.ts';

/**
 * Closes a request's pending grant extension as moot when its grant ends (executed, revoked,
 * lapsed) before anyone decided it: called by `transition` in the same transaction, so no extension
 * can be approved for a grant that is gone. Returns the audit events (`extension.moot`) and the
 * extensions as they now stand. Costs nothing when none is pending (the row says so).
 */
export async function closeMootExtensions(
  tx: Prisma.TransactionClient,
  request: Pick<RequestRow, 'id' | 'extensions'>,
  to: string,
  at: Date,
): Promise<{ events: AuditInput[]; extensions: RequestRow['extensions'] }> {
  const pending = request.extensions.filter((e) => e.status === 'pending');
  if (pending.length === 0) return { events: [], extensions: request.extensions };
  await tx.grantExtension.updateMany({
    where: { id: { in: pending.map((e) => e.id) }, status: 'pending' },
    data: { status: 'moot', decidedAt: at },
  });
  return {
    events: pending.map((e) => ({
      requestId: request.id,
      type: 'extension.moot',
      actor: { type: 'system' } as const,
      details: { extensionId: e.id, seconds: e.seconds, grantEnded: to },
    })),
    extensions: request.extensions.map((e) =>
      e.status === 'pending' ? { ...e, status: 'moot' as const, decidedAt: at } : e,
    ),
  };
}
