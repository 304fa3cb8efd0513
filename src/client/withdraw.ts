import type { GreenlightClient } from './client.ts';
import { GreenlightError } from './errors.ts';

/** What {@link withdrawRequest} did: cancelled it, revoked its grant, or left it as it was decided. */
export type Withdrawal = 'cancelled' | 'revoked' | 'unchanged';

/**
 * Withdraws a request the caller will not act on: cancels it while pending, revokes its grant when
 * it was approved meanwhile, so approvers never see an approval nobody used. A denial or any other
 * end stands (`unchanged`). Throws what the service answered otherwise.
 */
export async function withdrawRequest(client: GreenlightClient, id: string, reason: string): Promise<Withdrawal> {
  try {
    await client.cancel(id, reason);
    return 'cancelled';
  } catch (error) {
    if (!(error instanceof GreenlightError && error.status === 409)) throw error;
  }
  // Decided between the last poll and the cancel: an approval is revoked, anything else stands.
  const now = await client.get(id);
  if (now.status !== 'approved') return 'unchanged';
  await client.revoke(id, reason);
  return 'revoked';
}
