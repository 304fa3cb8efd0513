import { describe, expect, it } from 'vitest';
import type { Prisma } from '../../../src/generated/prisma/client.ts';
import { recordAudit, verifyAuditChain } from '../../../src/services/audit/audit.ts';
import { lockRow } from '../../../src/services/requests/store/locks.ts';
import { writeRequestChange } from '../../../src/services/requests/store/transitions.ts';
import { query } from '../../support/database.ts';
import { createViaApi, REQUESTER, startLifecycleApp } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/**
 * The row lock reads the head of the request's audit chain in the statement that takes the lock
 * (store/locks.ts), so a change chains its events without reading it again. When that statement
 * waits for another transaction's lock, the head it read can be stale: these tests hold the lock in
 * one transaction that appends an event, start a change that waits for it, let the first commit, and
 * check that the chain stays one line.
 */
describe('the audit head read with the row lock', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  const actor = { type: 'user', id: REQUESTER } as const;
  const types = async (requestId: string) =>
    (
      await query<{ type: string }>(t.database.url, 'SELECT type FROM audit_events WHERE request_id = $1 ORDER BY id', [
        requestId,
      ])
    ).map((row) => row.type);

  /** Runs `change` in a transaction whose row lock waited for another that appended an event meanwhile. */
  async function afterAWait(id: string, change: (tx: Prisma.TransactionClient) => Promise<void>) {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const first = t.app.db.$transaction(async (tx) => {
      await lockRow(tx, id, 1000);
      await recordAudit(tx, { requestId: id, type: 'test.interloper', actor });
      locked();
      await held;
    });
    await isLocked;
    const second = t.app.db.$transaction(async (tx) => {
      expect(await lockRow(tx, id, 10_000)).toBe(true);
      await change(tx);
    });
    // The second waits for the first's lock (a signal, not a sleep), then the first commits.
    await expect
      .poll(
        async () =>
          (
            await query<{ waiting: string }>(
              t.database.url,
              "SELECT count(*) AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE OF r%'",
            )
          )[0]?.waiting,
        { timeout: 10_000, interval: 20 },
      )
      .toBe('1');
    release();
    await Promise.all([first, second]);
  }

  it('chains events from the true head when another event landed while the lock waited', async () => {
    const { id } = await createViaApi(t);
    await afterAWait(id, async (tx) => {
      await recordAudit(tx, [
        { requestId: id, type: 'test.first', actor },
        { requestId: id, type: 'test.second', actor },
      ]);
      // The head is known again after the retry: a further write in the same transaction chains on.
      await recordAudit(tx, { requestId: id, type: 'test.third', actor });
    });
    expect((await types(id)).slice(-4)).toEqual(['test.interloper', 'test.first', 'test.second', 'test.third']);
    expect(await verifyAuditChain(t.app.db, id)).toBeNull();
  });

  it('writes a row change and its events together, or neither, from the true head', async () => {
    const { id } = await createViaApi(t);
    const [before] = await query<{ version: number }>(
      t.database.url,
      'SELECT version FROM approval_requests WHERE id = $1',
      [id],
    );
    await afterAWait(id, async (tx) => {
      const moved = await writeRequestChange(tx, {
        requestId: id,
        from: 'pending',
        columns: { currentStage: 0 },
        at: new Date(),
        vote: { voterId: 'U0HEAD0001', decision: 'approve', reason: null, stage: null, createdAt: new Date() },
        events: [{ requestId: id, type: 'test.change', actor }],
      });
      expect(moved).toBe(true);
    });
    const [after] = await query<{ version: number; votes: string }>(
      t.database.url,
      'SELECT version, (SELECT count(*) FROM votes WHERE request_id = $1) AS votes FROM approval_requests WHERE id = $1',
      [id],
    );
    // Written exactly once: an attempt refused by the guard writes neither vote nor version.
    expect(after).toEqual({ version: (before?.version ?? 0) + 1, votes: '1' });
    expect((await types(id)).slice(-2)).toEqual(['test.interloper', 'test.change']);
    expect(await verifyAuditChain(t.app.db, id)).toBeNull();
  });
});
