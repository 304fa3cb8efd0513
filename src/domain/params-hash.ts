import { createHash } from 'node:crypto';

export type ContextValue = string | number | boolean;

export interface BoundParameters {
  action: string;
  resource: string;
  environment: string | null;
  context: Record<string, ContextValue>;
}

/** JSON with object keys sorted at every level, so equal values always serialize the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the canonical action, resource, environment and context: what an approval is bound to. */
export function hashParameters(params: BoundParameters): string {
  return createHash('sha256').update(canonicalJson(params)).digest('hex');
}

/** SHA-256 (hex) of any JSON value in canonical form (idempotency keys compare bodies with it). */
export function hashJson(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
