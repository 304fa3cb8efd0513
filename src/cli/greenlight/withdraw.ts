import { type GreenlightClient, GreenlightError } from '../../client/index.ts';
import { type Io, say } from './io.ts';

/**
 * Withdraws a request the CLI will not act on: cancels it while pending, revokes its grant when it
 * was approved meanwhile, so approvers never see an approval nobody used. Best effort: a failure is
 * reported, never thrown (the CLI is already on its way out with a more important exit code).
 */
export async function withdraw(client: GreenlightClient, io: Io, id: string, reason: string): Promise<void> {
  try {
    try {
      await client.cancel(id, reason);
      say(io, `cancelled request ${id}`);
      return;
    } catch (error) {
      if (!(error instanceof GreenlightError && error.status === 409)) throw error;
    }
    // Decided between the last poll and the cancel: an approval is revoked, anything else stands.
    const now = await client.get(id);
    if (now.status !== 'approved') return;
    await client.revoke(id, reason);
    say(io, `revoked the grant of request ${id}`);
  } catch (error) {
    say(io, `could not withdraw request ${id}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
