import { describe, expect, it } from 'vitest';
import { ChainCursor, type ChainedEvent } from '../../../../src/services/audit/chain-check.ts';
import { eventHash } from '../../../../src/services/audit/event-hash.ts';

const REQUEST = '7f1c0d2e-4b5a-4c3d-8e9f-0a1b2c3d4e5f';

/** A correctly chained stream of `count` events, as recordAudit writes them. */
function chain(count: number, requestId: string | null = REQUEST): ChainedEvent[] {
  const events: ChainedEvent[] = [];
  let prevHash: string | null = null;
  for (let i = 0; i < count; i += 1) {
    const content = {
      requestId,
      type: i === 0 ? 'request.created' : 'vote.recorded',
      actorType: 'user',
      actorId: `U0VOTER0${i}`,
      details: { n: i, note: `step ${i}` },
      createdAt: new Date(Date.UTC(2026, 10, 1, 9, 0, i)),
    };
    const hash = eventHash(prevHash, content);
    events.push({ ...content, id: BigInt(10 + i * 3), prevHash, hash });
    prevHash = hash;
  }
  return events;
}

/** The first break a fresh cursor finds walking `events`. */
function firstBreak(events: ChainedEvent[]) {
  const cursor = new ChainCursor();
  for (const event of events) {
    const found = cursor.check(event);
    if (found !== null) return found;
  }
  return null;
}

describe('checking a hash chain', () => {
  it('accepts an intact chain, ids with gaps included (rolled-back inserts skip ids)', () => {
    expect(firstBreak(chain(5))).toBeNull();
    expect(firstBreak(chain(3, null))).toBeNull();
  });

  it('names an event whose content was changed: hash_mismatch', () => {
    const events = chain(4);
    events[2] = { ...(events[2] as ChainedEvent), details: { n: 2, note: 'rewritten' } };
    expect(firstBreak(events)).toMatchObject({
      eventId: '16',
      kind: 'hash_mismatch',
      previousEventId: '13',
      found: events[2]?.hash,
    });
  });

  it('names an event whose stored prev_hash was changed: hash_mismatch (prev is hashed too)', () => {
    const events = chain(3);
    events[1] = { ...(events[1] as ChainedEvent), prevHash: 'f'.repeat(64) };
    expect(firstBreak(events)).toMatchObject({ eventId: '13', kind: 'hash_mismatch' });
  });

  it('names the event after a deleted one: prev_hash_mismatch', () => {
    const events = chain(5);
    events.splice(2, 1);
    expect(firstBreak(events)).toMatchObject({
      eventId: '19',
      kind: 'prev_hash_mismatch',
      previousEventId: '13',
      expected: events[1]?.hash,
      found: events[2]?.prevHash,
    });
  });

  it('names the event after one rewritten with a recomputed hash: prev_hash_mismatch', () => {
    const events = chain(3);
    const forged = { ...(events[1] as ChainedEvent), details: { n: 1, note: 'forged' } };
    forged.hash = eventHash(forged.prevHash, forged);
    events[1] = forged;
    expect(firstBreak(events)).toMatchObject({ eventId: '16', kind: 'prev_hash_mismatch', previousEventId: '13' });
  });

  it('names the first event when the chain’s start was deleted: missing_start', () => {
    const events = chain(3).slice(1);
    expect(firstBreak(events)).toMatchObject({ eventId: '13', kind: 'missing_start', previousEventId: null });
  });

  it('treats a missing hash as altered', () => {
    const events = chain(2);
    events[1] = { ...(events[1] as ChainedEvent), hash: null };
    expect(firstBreak(events)).toMatchObject({ eventId: '13', kind: 'hash_mismatch', found: null });
  });
});
