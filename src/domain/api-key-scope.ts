/**
 * What an API key may do. `request` keys ask for approvals and follow their own requests; `admin`
 * keys may also read the whole audit trail (export, verify). Admin includes request, so one key can
 * serve a pipeline that both asks and audits. Pure: no I/O.
 */
export const API_KEY_SCOPES = ['request', 'admin'] as const;

/** `request` or `admin`. */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Whether a key of scope `has` may call a route that needs `needs` (admin ⊇ request). */
export function scopeAllows(has: ApiKeyScope, needs: ApiKeyScope): boolean {
  return has === 'admin' || needs === 'request';
}
