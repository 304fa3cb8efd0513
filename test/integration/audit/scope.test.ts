import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { syncConfiguredKeys } from '../../../src/services/api-keys/api-keys.ts';
import { query } from '../../support/database.ts';
import { API_KEY, api, createViaApi, eventually, REQUESTER, startLifecycleApp } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN_KEY = `audit-${randomBytes(16).toString('hex')}`;
const ADMIN = 'U0ADMIN001';

type ErrorBody = { error: { code: string; message: string } };

describe('API key scope', () => {
  const t = useTestApp(
    { SERVICE_API_KEYS: `ci:${API_KEY},auditor:${ADMIN_KEY}:admin`, ADMIN_USER_IDS: ADMIN },
    { start: startLifecycleApp },
  );
  const refusals = () =>
    query<{ actor_type: string; actor_id: string; request_id: string | null; details: Record<string, unknown> }>(
      t.database.url,
      "SELECT actor_type, actor_id, request_id, details FROM audit_events WHERE type = 'access.refused' ORDER BY id",
    );

  it('stores each configured key’s scope', async () => {
    const rows = await query<{ name: string; scope: string }>(
      t.database.url,
      'SELECT name, scope::text AS scope FROM api_clients ORDER BY name',
    );
    expect(rows).toEqual([
      { name: 'auditor', scope: 'admin' },
      { name: 'ci', scope: 'request' },
    ]);
  });

  it('answers a request-scoped key 403 forbidden on the audit routes, audited once a minute, changing nothing', async () => {
    const before = await query<{ n: string }>(t.database.url, 'SELECT count(*) AS n FROM audit_events');
    for (const path of ['/audit', '/audit/verify', '/audit?format=csv']) {
      const res = await api<ErrorBody>(t, 'GET', path);
      expect(res.status, path).toBe(403);
      expect(res.body.error).toEqual({ code: 'forbidden', message: 'this API key is request-scoped; admin keys only' });
    }
    const rows = await refusals();
    // Three refusals within the minute: one row, naming the client; the next window's row counts the rest.
    expect(rows).toEqual([
      {
        actor_type: 'service',
        actor_id: 'ci',
        request_id: null,
        details: {
          method: 'GET',
          path: '/api/v1/audit',
          reason: 'scope',
          scope: 'request',
          needed: 'admin',
          previousWindow: null,
        },
      },
    ]);
    const after = await query<{ n: string }>(t.database.url, 'SELECT count(*) AS n FROM audit_events');
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n) + 1);
  });

  it('lets an admin key reach the audit routes and ask for approvals too (admin ⊇ request)', async () => {
    expect((await api(t, 'GET', '/audit/verify', { key: ADMIN_KEY })).status).toBe(200);
    const created = await api<{ id: string; status: string }>(t, 'POST', '/requests', {
      key: ADMIN_KEY,
      body: { action: 'db.migrate', resource: 'prod/main', reason: 'release', requester: { slackUserId: REQUESTER } },
    });
    expect(created.status).toBe(201);
    expect((await api(t, 'GET', `/requests/${created.body.id}`, { key: ADMIN_KEY })).status).toBe(200);
    // Still owner-only: an admin key does not read another client's requests.
    const other = await createViaApi(t);
    expect((await api(t, 'GET', `/requests/${other.id}`, { key: ADMIN_KEY })).status).toBe(404);
  });

  it('follows SERVICE_API_KEYS at the next start: a scope taken away or granted is applied', async () => {
    // What a start does: sync the keys, then reload every instance's copy of them (app.ts).
    const restart = async (keys: Parameters<typeof syncConfiguredKeys>[1]) => {
      await syncConfiguredKeys(t.app.db, keys);
      await t.app.deps.apiKeys.changed();
    };
    await restart([
      { name: 'ci', secret: API_KEY, scope: 'admin' },
      { name: 'auditor', secret: ADMIN_KEY, scope: 'request' },
    ]);
    expect((await api(t, 'GET', '/audit/verify')).status).toBe(200);
    expect((await api(t, 'GET', '/audit/verify', { key: ADMIN_KEY })).status).toBe(403);
    await restart([
      { name: 'ci', secret: API_KEY, scope: 'request' },
      { name: 'auditor', secret: ADMIN_KEY, scope: 'admin' },
    ]);
    expect((await api(t, 'GET', '/audit/verify', { key: ADMIN_KEY })).status).toBe(200);
  });

  it('an admin creates an admin key in App Home; it reaches the audit routes and shows its scope', async () => {
    t.slack.addUser({ id: ADMIN, name: 'ada' });
    const res = await t.sender.viewSubmission({
      user_id: ADMIN,
      callback_id: 'api_key_modal',
      values: {
        key_name: { key_name: { type: 'plain_text_input', value: 'siem-export' } },
        key_scope: {
          key_scope: {
            type: 'static_select',
            selected_option: { value: 'admin', text: { type: 'plain_text', text: 'Admin' } },
          },
        },
      },
    });
    const body = (await res.json()) as { view: { blocks: Array<{ text: { text: string } }> } };
    expect(body.view.blocks[0]?.text.text).toMatch(/^Admin key for \*siem-export\*/);
    const secret = /```(gl_[A-Za-z0-9_-]+)```/.exec(body.view.blocks[0]?.text.text ?? '')?.[1] as string;
    expect((await api(t, 'GET', '/audit/verify', { key: secret })).status).toBe(200);
    const [created] = await query<{ details: { after: Record<string, unknown> } }>(
      t.database.url,
      "SELECT details FROM audit_events WHERE type = 'apikey.created' ORDER BY id DESC LIMIT 1",
    );
    expect(created?.details.after).toMatchObject({ name: 'siem-export', scope: 'admin' });
    await t.sender.event({ type: 'app_home_opened', user: ADMIN, tab: 'home' });
    await eventually(() => JSON.stringify(t.slack.homes.get(ADMIN) ?? {}).includes('*siem-export* · `gl_'));
    const home = JSON.stringify(t.slack.homes.get(ADMIN));
    expect(home).toMatch(/\*siem-export\* · `gl_[^`]+…` · \*admin\* scope/);
    expect(home).toMatch(/\*ci\* · `[^`]+…` · request scope · from SERVICE_API_KEYS/);
  });
});
