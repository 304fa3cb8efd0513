import { z } from 'zod';
import type { ApiKeyScope } from '../domain/api-key-scope.ts';
import { definePart, integer, quote, splitList, type TParse, withDefault } from './fields.ts';

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
const MIN_SECRET_LENGTH = 24;

/** One SERVICE_API_KEYS entry. */
export interface TServiceKey {
  name: string;
  secret: string;
  /** `admin` when the entry ends in `:admin`, else `request`. */
  scope: ApiKeyScope;
}

/**
 * `name:secret[:admin],…`. Problems name an entry by its name, or by its position when the name
 * itself is malformed (it might be a secret pasted in the wrong place); a secret is never shown, nor
 * a third part that is not `admin` (it may be the rest of a secret that held a colon).
 */
const serviceKeys: TParse<TServiceKey[]> = (value, report) => {
  const keys: TServiceKey[] = [];
  const seen = new Set<string>();
  let failed = false;
  const fail = (message: string) => {
    failed = true;
    report(message);
  };
  for (const [index, entry] of splitList(value).entries()) {
    const at = entry.indexOf(':');
    if (at === -1) {
      fail(`entry ${index + 1} is not name:secret (value not shown)`);
      continue;
    }
    const name = entry.slice(0, at);
    const [secret = '', scopePart, ...extra] = entry.slice(at + 1).split(':');
    if (!SERVICE_NAME.test(name)) {
      fail(
        `entry ${index + 1} has a name that is not 1–64 letters, digits, _ . or - starting with a letter or digit (value not shown)`,
      );
      continue;
    }
    if (seen.has(name)) fail(`entry ${quote(name)} appears more than once; service names must be unique`);
    seen.add(name);
    if (extra.length > 0 || (scopePart !== undefined && scopePart !== 'admin')) {
      fail(
        `entry ${quote(name)} has a third part that is not "admin": write name:secret or name:secret:admin, and no ":" in a secret (value not shown)`,
      );
      continue;
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      fail(
        `entry ${quote(name)} has a secret of ${secret.length} characters; secrets need ${MIN_SECRET_LENGTH} or more`,
      );
    }
    keys.push({ name, secret, scope: scopePart === 'admin' ? 'admin' : 'request' });
  }
  return failed ? z.NEVER : keys;
};

/** A per-minute budget; 0 turns the limit off. */
const perMinute = integer(0, 1_000_000);

/** API keys of the services that call Greenlight, and how often they (or whoever guesses keys) may call. */
export const keys = definePart({
  SERVICE_API_KEYS: withDefault(serviceKeys, []),
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: withDefault(perMinute, 20),
  RATE_LIMIT_REQUESTS_PER_MINUTE: withDefault(perMinute, 600),
});
