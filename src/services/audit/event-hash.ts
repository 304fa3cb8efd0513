import { createHash } from 'node:crypto';
import { canonicalJson } from '../../domain/params-hash.ts';

/** What of an audit event its hash covers (besides its predecessor's hash). */
export interface HashedEvent {
  requestId: string | null;
  type: string;
  actorType: string;
  actorId: string | null;
  details: unknown;
  createdAt: Date;
}

/**
 * An event's hash: SHA-256 over the canonical JSON of its predecessor's hash and its own content.
 * Anyone holding an export can recompute it: the fields below, `createdAt` as ISO 8601 in UTC, keys
 * sorted (canonicalJson), no whitespace.
 */
export function eventHash(prevHash: string | null, event: HashedEvent): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        prev: prevHash,
        requestId: event.requestId,
        type: event.type,
        actorType: event.actorType,
        actorId: event.actorId,
        details: event.details,
        createdAt: event.createdAt.toISOString(),
      }),
    )
    .digest('hex');
}
