import { randomBytes } from 'node:crypto';
import type { CoreDeps } from '../ports.ts';

/** A new Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export function generateCallbackSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The secret that signs callbacks for an API client's requests: its own (keys created in App Home
 * have one, sealed with ENCRYPTION_KEY), else CALLBACK_SIGNING_SECRET (SERVICE_API_KEYS clients, and
 * App Home keys made before callbacks were signed per key). Null when neither exists: then no
 * callback can be signed, and none is sent.
 */
export async function callbackSecretFor(
  deps: Pick<CoreDeps, 'db' | 'box' | 'config'>,
  apiClientId: string | null,
): Promise<string | null> {
  const client =
    apiClientId === null
      ? null
      : await deps.db.apiClient.findUnique({ where: { id: apiClientId }, select: { callbackSecret: true } });
  if (client?.callbackSecret != null) return deps.box.open(client.callbackSecret);
  return deps.config.CALLBACK_SIGNING_SECRET ?? null;
}
