import type { WebClient } from '@slack/web-api';
import { storableText } from '../domain/storable-text.ts';
import { recordAudit } from '../services/audit/audit.ts';
import { isAdmin } from '../services/home/home-data.ts';
import type { CoreDeps } from '../services/ports.ts';
import { tellUser } from './listeners/feedback.ts';

/**
 * The server-side admin check every admin action and submission runs, whatever the view showed:
 * a non-admin is refused, told so, and the attempt is audited. String details come from the payload,
 * so they are made storable first (a NUL would make PostgreSQL refuse the audit row).
 */
export async function requireAdmin(
  deps: CoreDeps,
  client: WebClient,
  userId: string,
  attempted: string,
  details: Record<string, unknown> = {},
): Promise<boolean> {
  if (isAdmin(deps, userId)) return true;
  const storable = Object.fromEntries(
    Object.entries({ attempted, ...details }).map(([key, value]) => [
      key,
      typeof value === 'string' ? storableText(value) : value,
    ]),
  );
  // In a transaction: the global chain's advisory lock is transaction-scoped (see recordAudit).
  await deps.db.$transaction((tx) =>
    recordAudit(tx, { type: 'admin.refused', actor: { type: 'user', id: userId }, details: storable }),
  );
  await tellUser(client, {
    user: userId,
    text: 'Only Greenlight admins can change routing rules and API keys, or export the audit trail.',
  }).catch(() => {});
  return false;
}
