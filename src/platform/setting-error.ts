/**
 * A startup failure that names the setting to change, so whoever reads the log knows what to fix
 * without reading a stack trace. The message never carries a secret.
 */
export class SettingError extends Error {
  constructor(
    /** The environment variable the operator should look at first. */
    readonly setting: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SettingError';
  }
}

/** System error codes in words an operator reads at a glance. */
const CODE_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing listens there)',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'host name lookup failed (DNS, temporary)',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

/** The errors inside `error`: its cause chain and an AggregateError's members, outermost first. */
function nested(error: unknown, depth = 0): unknown[] {
  if (depth > 8 || typeof error !== 'object' || error === null) return [error];
  const inner: unknown[] = [];
  if (error instanceof AggregateError) for (const member of error.errors) inner.push(...nested(member, depth + 1));
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined) inner.push(...nested(cause, depth + 1));
  return [error, ...inner];
}

/**
 * Why a connection failed, in words: the first system error code found anywhere in the cause chain
 * (`fetch failed` hides `ECONNREFUSED` two causes down), else the innermost message.
 */
export function networkReason(error: unknown): string {
  const all = nested(error);
  for (const item of all) {
    const code = (item as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && CODE_WORDS[code] !== undefined) return CODE_WORDS[code];
  }
  for (const item of all.reverse()) {
    if (item instanceof Error && item.message !== '') return item.message;
  }
  return String(error);
}
