import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_VERIFY, assertBuilt, runCli, runNodeScript } from '../../support/cli-process.ts';
import { query } from '../../support/database.ts';
import { API_KEY, createViaApi, startLifecycleApp } from '../../support/lifecycle.ts';
import { ROOT } from '../../support/process.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN_KEY = `audit-${randomBytes(16).toString('hex')}`;

/** `npm run audit:verify` (the built script) and `greenlight audit verify`, as processes. */
describe('audit verification as a process', () => {
  const t = useTestApp({ SERVICE_API_KEYS: `ci:${API_KEY},auditor:${ADMIN_KEY}:admin` }, { start: startLifecycleApp });
  let cwd: string;
  let requestId: string;
  let eventId: string;

  beforeAll(async () => {
    assertBuilt(AUDIT_VERIFY);
    assertBuilt();
    // An empty working directory: no developer .env reaches the script.
    cwd = await mkdtemp(path.join(tmpdir(), 'greenlight-audit-'));
    requestId = (await createViaApi(t)).id;
    await createViaApi(t);
    const [first] = await query<{ id: string }>(
      t.database.url,
      'SELECT id::text AS id FROM audit_events WHERE request_id = $1 ORDER BY id LIMIT 1',
      [requestId],
    );
    eventId = first?.id as string;
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  const verifyScript = async (args: string[] = []) => {
    const run = runNodeScript(AUDIT_VERIFY, args, { DATABASE_URL: t.database.url }, cwd);
    return { ...(await run.exited), stdout: run.stdout(), stderr: run.stderr() };
  };
  const verifyCli = async (key: string, args: string[] = []) => {
    const run = runCli(['audit', 'verify', ...args], { GREENLIGHT_URL: t.baseUrl, GREENLIGHT_API_KEY: key }, cwd);
    return { ...(await run.exited), stdout: run.stdout(), stderr: run.stderr() };
  };

  it('is what npm run audit:verify runs', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    // Builds first only when the sources changed since the last build (scripts/build.mjs --if-stale).
    expect(pkg.scripts['audit:verify']).toBe('node scripts/build.mjs --if-stale && node dist/cli/audit-verify.js');
  });

  it('exits 0 with a summary while the trail is intact, from the database and from the service', async () => {
    const script = await verifyScript();
    expect(script.stderr).toBe('');
    expect(script.code).toBe(0);
    expect(script.stdout).toMatch(/^audit trail intact: 2 chain\(s\), \d+ event\(s\) checked, 0 break\(s\)\n$/);

    const cli = await verifyCli(ADMIN_KEY);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^audit trail intact: 2 chain\(s\), \d+ event\(s\) checked, 0 break\(s\)\n$/);
  });

  it('refuses a request-scoped key: 69, saying why', async () => {
    const cli = await verifyCli(API_KEY);
    expect(cli.code).toBe(69);
    expect(cli.stderr).toContain(
      'the service refused (403 forbidden): this API key is request-scoped; admin keys only',
    );
  });

  it('exits 65 naming the altered event once the trail was tampered with', async () => {
    await query(
      t.database.url,
      `ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
       UPDATE audit_events SET details = jsonb_set(details, '{reason}', '"nothing to see"') WHERE id = ${eventId};
       ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;`,
    );
    const line = `broken: request ${requestId}, event ${eventId} (hash_mismatch): event ${eventId} does not match its hash: it was altered after it was written`;
    const script = await verifyScript();
    expect(script.code).toBe(65);
    expect(script.stdout.split('\n')[0]).toBe(line);
    expect(script.stdout).toMatch(/audit trail BROKEN: \d+ chain\(s\), \d+ event\(s\) checked, 1 break\(s\)\n$/);

    const json = await verifyScript(['--json']);
    expect(json.code).toBe(65);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      breaksFound: 1,
      breaks: [{ requestId, eventId, kind: 'hash_mismatch' }],
    });

    const cli = await verifyCli(ADMIN_KEY);
    expect(cli.code).toBe(65);
    expect(cli.stdout.split('\n')[0]).toBe(line);
    const cliJson = await verifyCli(ADMIN_KEY, ['--json']);
    expect(cliJson.code).toBe(65);
    expect(JSON.parse(cliJson.stdout)).toMatchObject({ ok: false, breaks: [{ requestId, eventId }] });
  });

  it('exits 1 naming the failure when the database cannot be read, 78 on a bad setting, 64 on a bad argument', async () => {
    const unreachable = runNodeScript(
      AUDIT_VERIFY,
      [],
      { DATABASE_URL: 'postgresql://nobody:secret@127.0.0.1:1/none' },
      cwd,
    );
    expect((await unreachable.exited).code).toBe(1);
    expect(unreachable.stderr()).toMatch(
      /^greenlight: audit verification failed: .+ — reading DATABASE_URL postgresql:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none\n$/,
    );
    const invalid = runNodeScript(AUDIT_VERIFY, [], { DATABASE_URL: 'mysql://x' }, cwd);
    expect((await invalid.exited).code).toBe(78);
    expect(invalid.stderr()).toContain('DATABASE_URL');
    expect((await verifyScript(['--yaml'])).code).toBe(64);
  });
});
