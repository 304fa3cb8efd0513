import { AppError } from '../../errors.ts';
import type { CoreDeps } from '../ports.ts';
import { callbackSecretFor } from './secrets.ts';
import { vetCallbackUrl } from './ssrf.ts';

/**
 * Checks a new request's `callbackUrl` before anything is written: callbacks must be signable for
 * this API client (its own secret, or CALLBACK_SIGNING_SECRET), and the URL must pass the address
 * guard (ssrf.ts). Either refusal is a field-level 400 naming `callbackUrl`, so a client learns at
 * create — not by silence later — that it would get no callbacks.
 */
export async function acceptCallbackUrl(
  deps: Pick<CoreDeps, 'db' | 'box' | 'config'>,
  apiClientId: string,
  callbackUrl: string,
): Promise<void> {
  if ((await callbackSecretFor(deps, apiClientId)) === null) {
    throw new AppError(
      'validation_failed',
      'callbacks need CALLBACK_SIGNING_SECRET: this server has no secret to sign callbacks for this API key',
      [{ path: 'callbackUrl', message: 'cannot be signed: the server sets no CALLBACK_SIGNING_SECRET for this key' }],
    );
  }
  const vetted = await vetCallbackUrl(callbackUrl, { allowPrivate: deps.config.CALLBACK_ALLOW_PRIVATE_NETWORKS });
  if (!vetted.ok) {
    throw new AppError('validation_failed', `callbackUrl ${vetted.message}`, [
      { path: 'callbackUrl', message: vetted.message },
    ]);
  }
}
