import { eventHash, type HashedEvent } from './event-hash.ts';

/** An audit event as the checks read it: what its hash covers, its id and the two hashes it stores. */
export interface ChainedEvent extends HashedEvent {
  id: bigint;
  prevHash: string | null;
  hash: string | null;
}

/**
 * How a chain is broken at an event:
 * - `hash_mismatch`: the event's stored hash is not the hash of its content and stored prev_hash,
 *   so the event was altered after it was written;
 * - `prev_hash_mismatch`: the event is intact, but its prev_hash is not the hash of the event
 *   before it in the chain: an event between them is missing, or that one was rewritten together
 *   with its hash;
 * - `missing_start`: the chain's first event is intact but points at a predecessor (its prev_hash
 *   is set), so the chain's first events are missing;
 * - `missing_chain`: a request has no audit events at all (every request is created with its
 *   first event), so its whole chain is missing.
 */
export type ChainBreakKind = 'hash_mismatch' | 'prev_hash_mismatch' | 'missing_start' | 'missing_chain';

/** The first break of one chain. Event ids are decimal strings (they are bigints). */
export interface ChainBreak {
  /** The request whose chain broke, or null for the global chain (events of no request). */
  requestId: string | null;
  /** The event where the chain breaks; null for `missing_chain`. */
  eventId: string | null;
  kind: ChainBreakKind;
  /** The event before it in the chain, when there is one. */
  previousEventId: string | null;
  /** What the check expected and what the row holds (hashes, hex). */
  expected: string | null;
  found: string | null;
  message: string;
}

/** What the chain before an event looked like, as far as checking that event needs. */
interface Last {
  id: bigint;
  hash: string | null;
}

/**
 * Walks one chain's events in id order, checking each against the one before it. `check` returns the
 * break at this event, or null while the chain holds. The cursor knows nothing of which chain it is
 * on: the caller starts a new cursor per chain and stops at its first break.
 */
export class ChainCursor {
  private last: Last | null = null;

  check(event: ChainedEvent): (Omit<ChainBreak, 'requestId'> & { eventId: string }) | null {
    const expectedHash = eventHash(event.prevHash, event);
    const previous = this.last;
    this.last = { id: event.id, hash: event.hash };
    const at = { eventId: event.id.toString(), previousEventId: previous?.id.toString() ?? null };
    if (event.hash !== expectedHash) {
      return {
        ...at,
        kind: 'hash_mismatch',
        expected: expectedHash,
        found: event.hash,
        message: `event ${at.eventId} does not match its hash: it was altered after it was written`,
      };
    }
    if (previous === null && event.prevHash !== null) {
      return {
        ...at,
        kind: 'missing_start',
        expected: null,
        found: event.prevHash,
        message: `event ${at.eventId} is the first of its chain but names a predecessor: earlier events are missing`,
      };
    }
    if (previous !== null && event.prevHash !== previous.hash) {
      return {
        ...at,
        kind: 'prev_hash_mismatch',
        expected: previous.hash,
        found: event.prevHash,
        message: `event ${at.eventId} does not link to event ${at.previousEventId} before it: events between them are missing, or ${at.previousEventId} was rewritten with a new hash`,
      };
    }
    return null;
  }
}
