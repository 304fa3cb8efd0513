import { beforeAll, describe, expect, it } from 'vitest';
import { ChainCursor } from '../../../src/services/audit/chain-check.ts';
import type { ExportRow as Row } from '../../../src/services/audit/export-format.ts';
import { uploadAuditExport } from '../../../src/slack/audit-upload.ts';
import { appendGlobalEvents } from '../../support/audit-events.ts';
import { query } from '../../support/database.ts';
import { APPROVER_A, createViaApi, dmsTo, eventually, startLifecycleApp } from '../../support/lifecycle.ts';
import type { StoredFile } from '../../support/slack-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = 'U0ADMIN001';

/** A selected option as Slack sends it in a submission's state. */
const selected = (value: string) => ({
  type: 'static_select',
  selected_option: { value, text: { type: 'plain_text', text: value } },
});

describe('App Home: Export (admins)', () => {
  const t = useTestApp({ ADMIN_USER_IDS: ADMIN }, { start: startLifecycleApp });
  beforeAll(async () => {
    t.slack.addUser({ id: ADMIN, name: 'ada' });
    await appendGlobalEvents(t.app.db, [{ type: 'seed.old', createdAt: new Date('2020-01-01T00:00:00Z') }]);
    await createViaApi(t);
  });

  const press = (user: string) =>
    t.sender.blockAction({
      user_id: user,
      action_id: 'home_audit_export',
      value: 'export',
      view: { id: 'VHOME', type: 'home', private_metadata: '{}' },
    });
  const submit = (user: string, range: string, format: string) =>
    t.sender.viewSubmission({
      user_id: user,
      callback_id: 'audit_export_modal',
      values: { export_range: { export_range: selected(range) }, export_format: { export_format: selected(format) } },
    });
  const dmOf = async (user: string) => {
    const opened = await t.slack.waitForCall('conversations.open', (call) => call.args.users === user);
    return (opened.response.channel as { id: string }).id;
  };
  /** The next file shared to `user`'s DM after `seen` files. */
  const nextFile = async (user: string, seen: number): Promise<StoredFile> => {
    const dm = await eventually(() => dmOf(user));
    return eventually(() => [...t.slack.files.values()].filter((f) => f.completed && f.channels.includes(dm))[seen]);
  };
  const exportsAudited = () =>
    query<{ actor_type: string; actor_id: string; details: Record<string, unknown> }>(
      t.database.url,
      "SELECT actor_type, actor_id, details FROM audit_events WHERE type = 'audit.exported' ORDER BY id",
    );
  const refusals = () =>
    query<{ actor_id: string; details: { attempted: string } }>(
      t.database.url,
      "SELECT actor_id, details FROM audit_events WHERE type = 'admin.refused' ORDER BY id",
    );

  it('shows Export to admins only', async () => {
    await t.sender.event({ type: 'app_home_opened', user: ADMIN, tab: 'home' });
    await t.sender.event({ type: 'app_home_opened', user: APPROVER_A, tab: 'home' });
    await eventually(() => t.slack.homes.has(ADMIN) && t.slack.homes.has(APPROVER_A));
    expect(JSON.stringify(t.slack.homes.get(ADMIN))).toContain('home_audit_export');
    expect(JSON.stringify(t.slack.homes.get(APPROVER_A))).not.toContain('home_audit_export');
  });

  it('opens the export modal, and uploads the chosen range to the admin’s DM as a verifiable file, audited', async () => {
    await press(ADMIN);
    const opened = await t.slack.waitForCall(
      'views.open',
      (call) => (call.args.view as { callback_id?: string }).callback_id === 'audit_export_modal',
    );
    expect(opened.response.ok).toBe(true);

    const res = await submit(ADMIN, '7', 'jsonl');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const file = await nextFile(ADMIN, 0);
    expect(file.filename).toMatch(/^greenlight-audit-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.jsonl$/);
    expect(file.initialComment).toMatch(/^Audit trail export: \d+ event\(s\) from the last 7 days, as JSON Lines\./);
    const rows = (file.content?.toString('utf8') ?? '')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Row);
    // The last 7 days: the request's events, not the 2020 one.
    expect(rows.some((row) => row.type === 'request.created')).toBe(true);
    expect(rows.some((row) => row.type === 'seed.old')).toBe(false);
    // Each request chain lies wholly in the range: it verifies from the file alone.
    const cursors = new Map<string, ChainCursor>();
    for (const row of rows.filter((r) => r.requestId !== null)) {
      const cursor = cursors.get(row.requestId as string) ?? new ChainCursor();
      cursors.set(row.requestId as string, cursor);
      expect(cursor.check({ ...row, id: BigInt(row.id), createdAt: new Date(row.createdAt) })).toBeNull();
    }
    expect(cursors.size).toBe(1);
    const audited = await eventually(async () => (await exportsAudited()).at(-1));
    expect(audited).toMatchObject({
      actor_type: 'user',
      actor_id: ADMIN,
      details: { via: 'slack', format: 'jsonl', from: expect.any(String), rows: rows.length, complete: true },
    });
  });

  it('exports all time as CSV', async () => {
    await submit(ADMIN, 'all', 'csv');
    const file = await nextFile(ADMIN, 1);
    expect(file.filename).toMatch(/^greenlight-audit-start-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = file.content?.toString('utf8') ?? '';
    expect(text.startsWith('id,requestId,type,actorType,actorId,details,prevHash,hash,createdAt\r\n')).toBe(true);
    expect(text).toContain(',seed.old,');
    // The earlier export's own audit event is in this one.
    expect(text).toContain(',audit.exported,');
    await eventually(async () => (await exportsAudited()).length === 2);
    expect((await exportsAudited())[1]?.details).toMatchObject({
      via: 'slack',
      format: 'csv',
      from: null,
      complete: true,
    });
  });

  it('refuses and audits a non-admin pressing Export or replaying the submission; nothing is uploaded', async () => {
    const filesBefore = t.slack.files.size;
    await press(APPROVER_A);
    const res = await submit(APPROVER_A, 'all', 'jsonl');
    expect(((await res.json()) as { errors: Record<string, string> }).errors).toEqual({
      export_range: 'Only Greenlight admins can export the audit trail.',
    });
    await eventually(async () => (await refusals()).length >= 2);
    // The button's refusal is audited after its ack, so it may land after the submission's: any order.
    expect((await refusals()).map((row) => [row.actor_id, row.details.attempted])).toEqual(
      expect.arrayContaining([
        [APPROVER_A, 'home_audit_export'],
        [APPROVER_A, 'audit_export_modal'],
      ]),
    );
    expect(await refusals()).toHaveLength(2);
    await eventually(() => dmsTo(t, APPROVER_A).some((text) => text.includes('export the audit trail')));
    expect(
      t.slack
        .callsOf('views.open')
        .filter((call) => (call.args.view as { callback_id?: string }).callback_id === 'audit_export_modal'),
    ).toHaveLength(1);
    expect(t.slack.files.size).toBe(filesBefore);
    expect(await exportsAudited()).toHaveLength(2);
  });

  it('answers a tampered form as out of date', async () => {
    const res = await submit(ADMIN, '365', 'jsonl');
    expect(JSON.stringify(await res.json())).toContain('export_range');
  });

  it('tells the admin when Slack refuses the upload, and audits it as not completed', async () => {
    t.slack.failNext('files.completeUploadExternal', { error: 'internal_error' });
    await submit(ADMIN, '30', 'jsonl');
    await eventually(() => dmsTo(t, ADMIN).some((text) => text.startsWith('Sending the audit export to Slack failed')));
    await eventually(async () => (await exportsAudited()).length === 3);
    expect((await exportsAudited())[2]?.details).toMatchObject({ via: 'slack', complete: false });
  });

  it('sends nothing too large for Slack, pointing at the API instead', async () => {
    const files = t.slack.files.size;
    await uploadAuditExport(t.app.deps, t.app.slack.bolt.client, ADMIN, { days: null, format: 'jsonl' }, 100);
    expect(dmsTo(t, ADMIN).at(-1)).toMatch(/too large to send in Slack.*GET \/api\/v1\/audit/);
    expect(t.slack.files.size).toBe(files);
    expect(await exportsAudited()).toHaveLength(3);
  });
});
