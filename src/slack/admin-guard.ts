import type { WebClient } from '@slack/web-api';
import { recordAudit } from '../services/audit/audit.ts';
import { isAdmin } from '../services/home/home-data.ts';
import type { CoreDeps } from '../services/ports.ts';
import { tellUser } from './listeners/feedback.ts';

/**
 * The server-side admin check every admin action and submission runs, whatever the view showed:
 * a non-admin is refused, told so, and the attempt is audited.
 */
export async function requireAdmin(
  deps: CoreDeps,
  client: WebClient,
  userId: string,
  attempted: string,
  details: Record<string, unknown> = {},
): Promise<boolean> {
  if (isAdmin(deps, userId)) return true;
  await recordAudit(deps.db, {
    type: 'admin.refused',
    actor: { type: 'user', id: userId },
    details: { attempted, ...details },
  });
  await tellUser(client, { user: userId, text: 'Only Greenlight admins can change routing rules and API keys.' }).catch(
    () => {},
  );
  return false;
}
