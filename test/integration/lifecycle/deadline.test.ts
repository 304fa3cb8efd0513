import { describe, expect, it } from 'vitest';
import { cancelRequest } from '../../../src/services/requests/cancel.ts';
import { decide } from '../../../src/services/requests/decide.ts';
import { lockRequest } from '../../../src/services/requests/store/locks.ts';
import { getRequest } from '../../../src/services/requests/store/reads.ts';
import { transition } from '../../../src/services/requests/transition.ts';
import { APPROVER_A, createViaApi, REQUESTER, startLifecycleApp } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/** Every transition honours the deadline: nothing but expiry happens to a request once it has passed. */
describe('the deadline', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  const afterDeadline = (expiresAt: string) => ({ ...t.app.deps, now: () => new Date(Date.parse(expiresAt) + 1) });

  it('refuses a cancel one millisecond after it, and expires the request instead', async () => {
    const request = await createViaApi(t, { ttlSeconds: 600 });
    const client = await t.app.db.apiClient.findUniqueOrThrow({ where: { name: 'ci' } });
    await expect(
      cancelRequest(afterDeadline(request.expiresAt), {
        requestId: request.id,
        actor: { type: 'service', id: client.name, clientId: client.id },
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await getRequest(t.app.db, request.id))?.status).toBe('expired');
    const types = (
      await t.app.db.auditEvent.findMany({ where: { requestId: request.id }, orderBy: { id: 'asc' } })
    ).map((e) => e.type);
    expect(types).toEqual(['request.created', 'request.expired', 'cancel.refused']);
  });

  it('refuses a requester’s cancel and an approval after it alike', async () => {
    const request = await createViaApi(t, { ttlSeconds: 600 });
    await expect(
      cancelRequest(afterDeadline(request.expiresAt), {
        requestId: request.id,
        actor: { type: 'user', id: REQUESTER },
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    const other = await createViaApi(t, { ttlSeconds: 600 });
    const late = await decide(afterDeadline(other.expiresAt), {
      requestId: other.id,
      userId: APPROVER_A,
      decision: 'approve',
    });
    expect(late.kind).toBe('late');
    expect((await getRequest(t.app.db, other.id))?.status).toBe('expired');
  });

  it('is checked in the same statement as the change: a stale read cannot cancel after it', async () => {
    const request = await createViaApi(t, { ttlSeconds: 600 });
    // A caller that read the row as pending before the deadline and writes after it is refused by the write itself.
    const attempt = t.app.db.$transaction(async (tx) => {
      const row = await lockRequest(tx, request.id, 1000);
      if (row === null) throw new Error('missing');
      return transition(tx, row, 'cancelled', {
        at: new Date(row.expiresAt.getTime() + 1),
        actor: { type: 'user', id: REQUESTER },
      });
    });
    await expect(attempt).rejects.toThrow(/changed concurrently/);
    expect((await getRequest(t.app.db, request.id))?.status).toBe('pending');
  });
});
