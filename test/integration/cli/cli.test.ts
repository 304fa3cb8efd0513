import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRule, deleteRule, listRules } from '../../../src/services/routing/rules-store.ts';
import { assertBuilt, type CliRun, runCli } from '../../support/cli-process.ts';
import {
  API_KEY,
  APPROVER_A,
  type ApiRequest,
  api,
  click,
  createViaApi,
  denyWithReason,
  eventually,
  REQUESTER,
  startLifecycleApp,
} from '../../support/lifecycle.ts';
import { freePort } from '../../support/process.ts';
import { DBA_CHANNEL, ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const ADMIN = { type: 'user' as const, id: 'U0ADMIN001' };
const REQUEST_ID = /request ([0-9a-f-]{36})/;

/** `greenlight run` as a CI step runs it: the built CLI, no terminal. */
describe('the greenlight CLI process', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  let dir: string;
  const running: CliRun[] = [];

  beforeAll(async () => {
    assertBuilt();
    t.slack.addChannel(DBA_CHANNEL);
    dir = await mkdtemp(path.join(tmpdir(), 'greenlight-cli-'));
  });
  afterEach(async () => {
    for (const run of running.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
      await run.exited;
    }
    for (const rule of await listRules(t.app.db)) await deleteRule(t.app.deps, ADMIN, rule.id);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const settings = () => ({
    GREENLIGHT_URL: t.baseUrl,
    GREENLIGHT_API_KEY: API_KEY,
    GREENLIGHT_REQUESTER: REQUESTER,
  });
  const cli = (args: string[], env: Record<string, string> = {}) => {
    const run = runCli(args, { ...settings(), ...env });
    running.push(run);
    return run;
  };
  const get = async (id: string) =>
    (
      await api<ApiRequest & { executedAt: string | null; grant: { token: string } | null }>(
        t,
        'GET',
        `/requests/${id}`,
      )
    ).body;
  /** A command that leaves a marker file holding what Greenlight put in its environment, then exits `code`. */
  const marking = (code = 0) => {
    const marker = path.join(dir, `marker-${randomUUID()}`);
    const script = `printf '%s\\n%s\\n' "$GREENLIGHT_REQUEST_ID" "$GREENLIGHT_GRANT" > '${marker}'; exit ${code}`;
    return { marker, command: ['sh', '-c', script] };
  };
  const runArgs = (command: string[], extra: string[] = []) => [
    'run',
    '--action',
    'db.migrate',
    '--resource',
    'prod/main',
    '--environment',
    'production',
    '--reason',
    'release 42',
    '--context',
    'ticket=OPS-1',
    '--context',
    'sha=abc123',
    ...extra,
    '--',
    ...command,
  ];
  const deny = (id: string, reason: string) => denyWithReason(t, APPROVER_A, id, reason);
  /** The request a run asked for, once it waits on it (its first progress line). */
  const waiting = async (run: CliRun) =>
    (await run.waitForStderr(/waiting for approval of ([0-9a-f-]{36})/))[1] as string;

  it('runs the command only after approval, with the grant in its environment, and exits with its code', async () => {
    const { marker, command } = marking(3);
    const run = cli(runArgs(command));
    const id = await waiting(run);
    expect(existsSync(marker)).toBe(false);
    expect((await get(id)).status).toBe('pending');

    await click(t, APPROVER_A, 'approve_request', id);
    expect((await run.exited).code).toBe(3);
    const [seenId, grant] = (await readFile(marker, 'utf8')).trim().split('\n');
    expect(seenId).toBe(id);
    expect(decodeJwt(grant as string)).toMatchObject({ sub: id, action: 'db.migrate', resource: 'prod/main' });

    const request = await get(id);
    expect(request.status).toBe('executed');
    const reported = request.audit?.find((event) => event.type === 'execution.reported');
    expect(reported?.details).toMatchObject({ exitCode: 3, signal: null });
    expect(request.audit?.map((event) => event.type)).toEqual(
      expect.arrayContaining(['request.created', 'request.approved', 'request.executed', 'execution.reported']),
    );
    expect(run.stderr()).toContain(`request ${id} approved by ${APPROVER_A}`);
  });

  it('exits 128+n when a signal ends the command, and reports the signal', async () => {
    const run = cli(runArgs(['sh', '-c', 'kill -TERM $$']));
    const id = await waiting(run);
    await click(t, APPROVER_A, 'approve_request', id);
    expect((await run.exited).code).toBe(143);
    const reported = (await get(id)).audit?.find((event) => event.type === 'execution.reported');
    expect(reported?.details).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
  });

  it('never runs it after a denial: exits 77', async () => {
    const { marker, command } = marking();
    const run = cli(runArgs(command));
    const id = await waiting(run);
    await deny(id, 'Not during the freeze');
    expect((await run.exited).code).toBe(77);
    expect(existsSync(marker)).toBe(false);
    expect(run.stderr()).toContain(`greenlight: request ${id} was denied by ${APPROVER_A}: Not during the freeze`);
  });

  it('never runs it once the request expired: exits 75', async () => {
    const { marker, command } = marking();
    const run = cli(runArgs(command, ['--ttl', '1s']));
    const { code } = await run.exited;
    expect(code).toBe(75);
    expect(existsSync(marker)).toBe(false);
    const id = run.stderr().match(REQUEST_ID)?.[1] as string;
    expect((await get(id)).status).toBe('expired');
    expect(run.stderr()).toContain('expired: nobody decided in time');
  });

  it('cancels the request and exits 124 when --wait runs out', async () => {
    const { marker, command } = marking();
    const run = cli(runArgs(command, ['--wait', '2s']));
    const id = await waiting(run);
    expect((await run.exited).code).toBe(124);
    expect(existsSync(marker)).toBe(false);
    expect((await get(id)).status).toBe('cancelled');
  });

  it('cancels the request and exits 130 on Ctrl-C while waiting', async () => {
    const { marker, command } = marking();
    const run = cli(runArgs(command));
    const id = await waiting(run);
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
    expect(existsSync(marker)).toBe(false);
    const request = await get(id);
    expect(request.status).toBe('cancelled');
    expect(request.decision?.reason).toContain('SIGINT');
  });

  it('runs at once when a rule auto-approves the request', async () => {
    await createRule(
      t.app.deps,
      ADMIN,
      ruleInput({
        name: 'Staging is fine',
        actionPatterns: ['**'],
        resourcePatterns: ['staging/**'],
        outcome: 'auto_approve',
        approvers: [],
        requiredApprovals: 1,
      }),
    );
    const { marker, command } = marking();
    const args = runArgs(command);
    args[args.indexOf('prod/main')] = 'staging/main';
    const run = cli(args);
    expect((await run.exited).code).toBe(0);
    expect(run.stderr()).not.toContain('waiting for approval');
    expect(run.stderr()).toContain('approved by rule "Staging is fine"');
    const id = (await readFile(marker, 'utf8')).split('\n')[0] as string;
    expect((await get(id)).status).toBe('executed');
  });

  it('a retried step (same CI run, same inputs) continues with the request it made, and asks anew once that ran', async () => {
    const ci = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'acme/infra', GITHUB_RUN_ID: '4242', GITHUB_JOB: 'deploy' };
    const { marker, command } = marking();
    // The runner dies while the first attempt waits: nothing cancels its request.
    const first = cli(runArgs(command), ci);
    const id = await waiting(first);
    first.child.kill('SIGKILL');
    await first.exited;

    const retry = cli(runArgs(command), ci);
    expect(await waiting(retry)).toBe(id);
    expect(retry.stderr()).toContain(`continuing with request ${id} from an earlier attempt`);
    await click(t, APPROVER_A, 'approve_request', id);
    expect((await retry.exited).code).toBe(0);
    expect((await readFile(marker, 'utf8')).split('\n')[0]).toBe(id);

    // The grant is spent: another retry of the step asks again instead of failing on it.
    const again = cli(runArgs(command, ['--wait', '1s']), ci);
    const next = await waiting(again);
    expect(next).not.toBe(id);
    expect(again.stderr()).toContain(`request ${id} from an earlier attempt is executed; asking again`);
    expect((await again.exited).code).toBe(124);
  });

  it('greenlight wait: 75 for a grant revoked before it was used, 0 and the token for an approved one', async () => {
    const revoked = await createViaApi(t);
    await click(t, APPROVER_A, 'approve_request', revoked.id);
    await eventually(async () => (await get(revoked.id)).status === 'approved');
    expect((await api(t, 'POST', `/requests/${revoked.id}/revoke`, { body: { reason: 'rollback' } })).status).toBe(200);
    const waitRevoked = cli(['wait', revoked.id]);
    expect((await waitRevoked.exited).code).toBe(75);
    expect(waitRevoked.stderr()).toMatch(/revoked by service ci on behalf of U0REQUEST1: rollback/);

    const approved = await createViaApi(t);
    const waitApproved = cli(['wait', approved.id, '--wait', '30s']);
    await waitApproved.waitForStderr(/waiting for approval/);
    await click(t, APPROVER_A, 'approve_request', approved.id);
    expect((await waitApproved.exited).code).toBe(0);
    expect(waitApproved.stdout().trim()).toBe((await get(approved.id)).grant?.token);
  });

  it('greenlight verify: 0 for a good token, 1 for an altered one or one for something else', async () => {
    const request = await createViaApi(t);
    await click(t, APPROVER_A, 'approve_request', request.id);
    const token = await eventually(async () => (await get(request.id)).grant?.token);
    const expect_ = ['--action', 'db.drop_table', '--resource', 'prod/customers', '--environment', 'production'];

    const good = cli(['verify', token, ...expect_, '--request-id', request.id]);
    expect((await good.exited).code).toBe(0);
    expect(JSON.parse(good.stdout())).toMatchObject({ sub: request.id, action: 'db.drop_table' });

    const [header, , signature] = token.split('.') as [string, string, string];
    const widened = Buffer.from(JSON.stringify({ ...decodeJwt(token), resource: 'prod/*' })).toString('base64url');
    const altered = cli(['verify', `${header}.${widened}.${signature}`]);
    expect((await altered.exited).code).toBe(1);
    expect(altered.stderr()).toMatch(/greenlight: invalid grant \(signature\)/);

    const other = cli(['verify', token, '--resource', 'prod/orders']);
    expect((await other.exited).code).toBe(1);
    expect(other.stderr()).toMatch(/invalid grant \(resource\)/);
  });

  it('greenlight status prints a summary, or the JSON', async () => {
    const request = await createViaApi(t);
    const summary = cli(['status', request.id]);
    expect((await summary.exited).code).toBe(0);
    expect(summary.stdout()).toMatch(new RegExp(`request:\\s+${request.id}\\nstatus:\\s+pending`));
    const json = cli(['status', request.id, '--json']);
    expect((await json.exited).code).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ id: request.id, status: 'pending' });
  });

  it('exits 64 on bad usage, asking nothing', async () => {
    const { command } = marking();
    const run = cli(runArgs(command, ['--colour', 'red']));
    expect((await run.exited).code).toBe(64);
    expect(run.stderr()).toMatch(/^greenlight: Unknown option '--colour'/);
  });

  it('exits 69 when the service is unreachable or refuses the API key', async () => {
    const { marker, command } = marking();
    const unreachable = cli(runArgs(command), { GREENLIGHT_URL: `http://127.0.0.1:${await freePort()}` });
    expect((await unreachable.exited).code).toBe(69);
    expect(unreachable.stderr()).toMatch(/greenlight: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);

    const refused = cli(runArgs(command), { GREENLIGHT_API_KEY: 'not-a-key' });
    expect((await refused.exited).code).toBe(69);
    expect(refused.stderr()).toContain('the service refused (401 unauthorized)');
    expect(existsSync(marker)).toBe(false);
  });
});
