import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../support/database.ts';
import type { TestApp } from '../../support/harness.ts';
import { type IntegrationsApp, runTaskBody, startIntegrationsApp } from '../../support/integrations-app.ts';
import { eventually } from '../../support/lifecycle.ts';

/**
 * Text PostgreSQL cannot store (NUL, unpaired surrogates) and instants it has no year for, sent to
 * every boundary: each is a field-level 400 that writes nothing, or — for text people write, such as
 * a commit message — is cleaned to U+FFFD so it cannot block the gate. Before, each was a 500.
 */
const HOSTILE = ['a\u0000b', 'x\ud800y', '\udfff'];

let app: IntegrationsApp;
let t: TestApp;

beforeAll(async () => {
  app = await startIntegrationsApp();
  t = app.t;
}, 60_000);
afterAll(async () => {
  await app?.close();
});

const count = async (table: string) =>
  Number((await query<{ n: string }>(t.database.url, `SELECT count(*) AS n FROM ${table}`))[0]?.n);

const runTask = (overrides: Record<string, unknown> = {}) => app.runTask(runTaskBody(app.terraform, overrides));

async function errorOf(res: Response): Promise<{ code: string; fields?: Array<{ path: string; message: string }> }> {
  return ((await res.json()) as { error: { code: string; fields?: Array<{ path: string; message: string }> } }).error;
}

describe('Terraform run tasks with text PostgreSQL cannot store', () => {
  it.each(['run_id', 'workspace_name', 'organization_name', 'task_result_id', 'run_created_by', 'run_app_url'])(
    'refuses %s holding it with a 400 naming the field, writing nothing',
    async (field) => {
      for (const value of HOSTILE) {
        const before = { tasks: await count('terraform_run_tasks'), audit: await count('audit_events') };
        const res = await runTask({ [field]: value });
        expect(res.status, `${field} = ${JSON.stringify(value)}`).toBe(400);
        const error = await errorOf(res);
        expect(error.code).toBe('validation_failed');
        expect(error.fields?.map((f) => f.path)).toEqual([field]);
        expect({ tasks: await count('terraform_run_tasks'), audit: await count('audit_events') }).toEqual(before);
      }
    },
  );

  it('cleans a commit message and a branch holding it to U+FFFD, and gates the run', async () => {
    const res = await runTask({ run_message: 'Fix\u0000 the \ud800 gate', vcs_branch: 'feat/\udc00x' });
    expect(res.status).toBe(200);
    const [row] = await eventually(
      async () => {
        const rows = await query<{ reason: string; context: Record<string, unknown> }>(
          t.database.url,
          `SELECT reason, context FROM approval_requests WHERE reason LIKE 'Fix%the%gate'`,
        );
        return rows.length > 0 ? rows : undefined;
      },
      10_000,
      'the gated run’s request',
    );
    expect(row?.reason).toBe('Fix\ufffd the \ufffd gate');
    expect(row?.context.vcs_branch).toBe('feat/\ufffdx');
  });
});

describe('admin routes with text PostgreSQL cannot store', () => {
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${t.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${app.adminKey}`, ...init.headers } });

  /** The global audit stream and the rules: what an admin route could change (runs above add to their own chains). */
  const adminState = async () => ({
    rules: await count('routing_rules'),
    global: await count('audit_events WHERE request_id IS NULL'),
  });

  it('refuses a NUL in a path parameter with a 400', async () => {
    const before = await adminState();
    for (const path of ['/api/v1/rules/%00', '/api/v1/rules/a%00b', '/api/v1/requests/%00']) {
      const res = await admin(path, { method: path.includes('rules') ? 'DELETE' : 'GET' });
      expect(res.status, path).toBe(400);
      expect((await errorOf(res)).fields).toEqual([{ path: '(path)', message: expect.stringMatching(/NUL/) }]);
    }
    expect(await adminState()).toEqual(before);
  });

  it('answers 404 for a rule id that is not a UUID (PostgreSQL would refuse it: a 500 before)', async () => {
    const before = await adminState();
    for (const id of ['constructor', 'x'.repeat(60), '1']) {
      const res = await admin(`/api/v1/rules/${id}`, { method: 'DELETE' });
      expect(res.status, id).toBe(404);
      expect((await errorOf(res)).code).toBe('not_found');
    }
    expect(await adminState()).toEqual(before);
  });

  it('refuses a NUL in a query parameter with a 400 naming it', async () => {
    const res = await admin('/api/v1/rules?dryRun=%00');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).fields?.map((f) => f.path)).toEqual(['dryRun']);
  });

  it.each(['0000-01-01', '0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z'])(
    'refuses an audit export from %s with a 400 naming the field',
    async (from) => {
      for (const field of ['from', 'to']) {
        const res = await admin(`/api/v1/audit?${field}=${encodeURIComponent(from)}`);
        expect(res.status, `${field}=${from}`).toBe(400);
        expect(await errorOf(res)).toMatchObject({
          code: 'validation_failed',
          fields: [{ path: field, message: 'must be between 1970-01-01 and 9999-12-31' }],
        });
      }
    },
  );

  it('still exports from 1970-01-01 through 9999-12-31', async () => {
    const res = await admin('/api/v1/audit?from=1970-01-01&to=9999-12-31T23:59:59.999Z');
    expect(res.status).toBe(200);
    await res.text();
  });
});

describe('GitHub webhook signatures', () => {
  /** A ping whose body is not valid UTF-8: decoding it and encoding it again gives other bytes. */
  const body = Buffer.concat([
    Buffer.from('{"zen":"'),
    Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
    Buffer.from('"}'),
  ]);
  const send = (signature: string) => app.githubDelivery('ping', body, signature);

  it('are checked over the raw bytes GitHub signed', async () => {
    expect(Buffer.from(body.toString('utf8'), 'utf8').equals(body)).toBe(false);
    const res = await send(app.githubSignature(body));
    expect(res.status).toBe(200);
  });

  it('refuse a signature over the decoded text', async () => {
    const decoded = body.toString('utf8');
    const res = await send(app.githubSignature(decoded));
    expect(res.status).toBe(401);
  });
});
