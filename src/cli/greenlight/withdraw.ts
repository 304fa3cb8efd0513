import { type GreenlightClient, withdrawRequest } from '../../client/index.ts';
import { type Io, say } from './io.ts';

/**
 * Withdraws a request the CLI will not act on (see withdrawRequest). Best effort: a failure is
 * reported, never thrown (the CLI is already on its way out with a more important exit code).
 */
export async function withdraw(client: GreenlightClient, io: Io, id: string, reason: string): Promise<void> {
  try {
    const done = await withdrawRequest(client, id, reason);
    if (done === 'cancelled') say(io, `cancelled request ${id}`);
    if (done === 'revoked') say(io, `revoked the grant of request ${id}`);
  } catch (error) {
    say(io, `could not withdraw request ${id}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
