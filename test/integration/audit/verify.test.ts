import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/services/audit/audit.ts';
import { type AuditVerifyReport, verifyAuditTrail } from '../../../src/services/audit/verify.ts';
import { appendGlobalEvents } from '../../support/audit-events.ts';
import { query } from '../../support/database.ts';
import {
  API_KEY,
  APPROVER_A,
  api,
  click,
  createViaApi,
  eventually,
  startLifecycleApp,
} from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN_KEY = `audit-${randomBytes(16).toString('hex')}`;

describe('verifying the audit trail', () => {
  const t = useTestApp({ SERVICE_API_KEYS: `ci:${API_KEY},auditor:${ADMIN_KEY}:admin` }, { start: startLifecycleApp });
  /** Runs SQL with the append-only trigger off, as someone with the table owner's rights could. */
  const tamper = (sql: string) =>
    query(
      t.database.url,
      `ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
       ${sql};
       ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;`,
    );
  const eventsOf = (requestId: string) =>
    query<{ id: string; type: string }>(
      t.database.url,
      'SELECT id::text AS id, type FROM audit_events WHERE request_id = $1 ORDER BY id',
      [requestId],
    );
  const counts = async () => {
    const [row] = await query<{ events: string; requests: string; global: string }>(
      t.database.url,
      `SELECT (SELECT count(*) FROM audit_events) AS events,
              (SELECT count(DISTINCT request_id) FROM audit_events WHERE request_id IS NOT NULL) AS requests,
              (SELECT count(*) FROM audit_events WHERE request_id IS NULL) AS global`,
    );
    return { events: Number(row?.events), chains: Number(row?.requests) + (Number(row?.global) > 0 ? 1 : 0) };
  };
  const verifyViaApi = async () => {
    const res = await api<AuditVerifyReport>(t, 'GET', '/audit/verify', { key: ADMIN_KEY });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('finds every chain intact after real traffic, whatever the page size', async () => {
    const decided = await createViaApi(t);
    await click(t, APPROVER_A, 'approve_request', decided.id);
    await eventually(async () => (await eventsOf(decided.id)).some((event) => event.type === 'request.approved'));
    for (let i = 0; i < 4; i += 1) await createViaApi(t);
    await appendGlobalEvents(t.app.db, [
      { type: 'seed.one', createdAt: new Date() },
      { type: 'seed.two', createdAt: new Date() },
    ]);
    expect((await api(t, 'GET', '/requests/x', { key: 'not-a-key-at-all-but-long-enough' })).status).toBe(401);

    const expected = await counts();
    const report = await verifyAuditTrail(t.app.db);
    expect(report).toEqual({
      ok: true,
      ...{ chainsChecked: expected.chains, eventsChecked: expected.events },
      breaksFound: 0,
      breaks: [],
    });
    // Pages that end inside a chain, or exactly at its end, change nothing.
    for (const pageSize of [1, 2, 3, 7]) expect(await verifyAuditTrail(t.app.db, { pageSize })).toEqual(report);
  });

  it('answers the same report over the API, and audits the check', async () => {
    const expected = await verifyAuditTrail(t.app.db);
    expect(await verifyViaApi()).toEqual(expected);
    const [row] = await query<{ actor_id: string; details: Record<string, unknown> }>(
      t.database.url,
      "SELECT actor_id, details FROM audit_events WHERE type = 'audit.verified' ORDER BY id DESC LIMIT 1",
    );
    expect(row).toEqual({
      actor_id: 'auditor',
      details: {
        via: 'api',
        ok: true,
        chainsChecked: expected.chainsChecked,
        eventsChecked: expected.eventsChecked,
        breaksFound: 0,
        firstBreak: null,
      },
    });
  });

  it('names an altered event, a missing one, a missing start and a missing chain, each in its own chain', async () => {
    const altered = await createViaApi(t);
    const gap = await createViaApi(t);
    const headless = await createViaApi(t);
    const gone = await createViaApi(t);
    for (const request of [gap, headless]) {
      // Another client's read and cancel are refused and audited on the request: a middle event to lose.
      await api(t, 'GET', `/requests/${request.id}`, { key: ADMIN_KEY });
      await api(t, 'POST', `/requests/${request.id}/cancel`, { key: ADMIN_KEY });
    }
    const alteredEvent = (await eventsOf(altered.id))[0]?.id as string;
    const [, gapMiddle, gapNext] = await eventsOf(gap.id);
    const [headlessFirst, headlessSecond] = await eventsOf(headless.id);
    expect(gapNext).toBeDefined();

    await tamper(
      `UPDATE audit_events SET details = jsonb_set(details, '{resource}', '"prod/nothing"') WHERE id = ${alteredEvent};
       DELETE FROM audit_events WHERE id = ${gapMiddle?.id};
       DELETE FROM audit_events WHERE id = ${headlessFirst?.id};
       DELETE FROM audit_events WHERE request_id = '${gone.id}'`,
    );
    const report = await verifyAuditTrail(t.app.db, { pageSize: 3 });
    expect(report.ok).toBe(false);
    expect(report.breaksFound).toBe(4);
    const byRequest = new Map(report.breaks.map((found) => [found.requestId, found]));
    expect(byRequest.get(altered.id)).toMatchObject({
      eventId: alteredEvent,
      kind: 'hash_mismatch',
      message: `event ${alteredEvent} does not match its hash: it was altered after it was written`,
    });
    expect(byRequest.get(gap.id)).toMatchObject({ eventId: gapNext?.id, kind: 'prev_hash_mismatch' });
    expect(byRequest.get(headless.id)).toMatchObject({ eventId: headlessSecond?.id, kind: 'missing_start' });
    expect(byRequest.get(gone.id)).toMatchObject({ eventId: null, kind: 'missing_chain' });
    for (const pageSize of [1, 2, 1000]) expect(await verifyAuditTrail(t.app.db, { pageSize })).toEqual(report);
    // The per-request check of audit.ts agrees.
    expect(await verifyAuditChain(t.app.db, altered.id)).toBe(BigInt(alteredEvent));
    expect(await verifyAuditChain(t.app.db, gap.id)).toBe(BigInt(gapNext?.id as string));

    const viaApi = await verifyViaApi();
    expect(viaApi.breaks).toEqual(report.breaks);
    const [audited] = await query<{ details: { ok: boolean; breaksFound: number; firstBreak: unknown } }>(
      t.database.url,
      "SELECT details FROM audit_events WHERE type = 'audit.verified' ORDER BY id DESC LIMIT 1",
    );
    expect(audited?.details).toMatchObject({ ok: false, breaksFound: 4, firstBreak: report.breaks[0] });
  });

  it('names an altered global event, and lists no more breaks than asked (counting them all)', async () => {
    const [first] = await appendGlobalEvents(t.app.db, [{ type: 'seed.global', createdAt: new Date() }]);
    await tamper(`UPDATE audit_events SET actor_id = 'U0SOMEONE1' WHERE id = ${first}`);
    const report = await verifyAuditTrail(t.app.db, { maxBreaks: 2 });
    expect(report.breaksFound).toBe(5);
    expect(report.breaks).toHaveLength(2);
    // The global chain is walked first.
    expect(report.breaks[0]).toMatchObject({ requestId: null, eventId: String(first), kind: 'hash_mismatch' });
  });
});
