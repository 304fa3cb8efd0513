import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERRAFORM_VERIFICATION_TOKEN } from '../../../src/http/integrations/terraform.ts';
import { JOB_IDS } from '../../../src/jobs/job-ids.ts';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { decide } from '../../../src/services/requests/decide.ts';
import type { AppUnderTest } from '../../support/harness.ts';
import {
  APPROVER_A,
  CHANNEL,
  click,
  dmsTo,
  eventually,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
  waitForQueueIdle,
} from '../../support/lifecycle.ts';
import { LogCapture } from '../../support/log-capture.ts';
import { type ReceivedResult, TerraformDouble } from '../../support/terraform-double.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const HMAC_KEY = `tfc-${randomBytes(16).toString('hex')}`;
const PATH = '/integrations/terraform/run-task';
const FAST = { retryBaseMs: 50, retryCapMs: 200, attemptTimeoutMs: 1000 };

interface Run {
  token: string;
  taskResultId: string;
  runId: string;
  callbackUrl: string;
}

/**
 * A run task request shaped like HashiCorp's published one (payload_version 1, every field HCP sends),
 * for a run of `created_by` in workspace `workspace`.
 */
function runTaskBody(
  run: Partial<Run> & { token: string },
  overrides: { createdBy?: string; workspace?: string; stage?: string } = {},
): string {
  const workspace = overrides.workspace ?? 'infra-prod';
  const runId = run.runId ?? `run-${randomBytes(8).toString('hex')}`;
  return JSON.stringify({
    payload_version: 1,
    access_token: run.token,
    stage: overrides.stage ?? 'pre_apply',
    is_speculative: false,
    task_result_id: run.taskResultId ?? `taskrs-${randomBytes(8).toString('hex')}`,
    task_result_enforcement_level: 'mandatory',
    task_result_callback_url: run.callbackUrl ?? 'https://app.terraform.io/api/v2/task-results/taskrs-1/callback',
    run_app_url: `https://app.terraform.io/app/acme/${workspace}/runs/${runId}`,
    run_id: runId,
    run_message: 'Grow the database',
    run_created_at: '2026-11-23T20:00:00.000Z',
    run_created_by: overrides.createdBy ?? 'rita',
    workspace_id: 'ws-1',
    workspace_name: workspace,
    workspace_app_url: `https://app.terraform.io/app/acme/${workspace}`,
    organization_name: 'acme',
    plan_json_api_url: `https://app.terraform.io/api/v2/plans/plan-1/json-output`,
    vcs_repo_url: 'https://github.com/acme/infra',
    vcs_branch: 'main',
    vcs_pull_request_url: null,
    vcs_commit_url: 'https://github.com/acme/infra/commit/5d1b1b6',
    configuration_version_id: 'cv-1',
    configuration_version_download_url: 'https://app.terraform.io/api/v2/configuration-versions/cv-1/download',
    workspace_working_directory: '',
  });
}

/** Signs like HCP Terraform: the hex HMAC-SHA512 of the exact body bytes. */
function sign(body: string, key = HMAC_KEY): string {
  return createHmac('sha512', key).update(body).digest('hex');
}

async function deliver(t: { baseUrl: string }, body: string, signature?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'TFC/1.0' };
  if (signature !== undefined) headers['x-tfc-task-signature'] = signature;
  return fetch(`${t.baseUrl}${PATH}`, { method: 'POST', headers, body });
}

/** A new run whose results go to the double with its own token. */
function newRun(terraform: TerraformDouble, answers: number[] = []): Run {
  const token = `at-${randomBytes(16).toString('hex')}`;
  const taskResultId = `taskrs-${randomBytes(8).toString('hex')}`;
  return {
    token,
    taskResultId,
    runId: `run-${randomBytes(8).toString('hex')}`,
    callbackUrl: terraform.callbackUrl(taskResultId, token, answers),
  };
}

const results = (terraform: TerraformDouble, run: Run, count: number): Promise<ReceivedResult[]> =>
  eventually(
    () => (terraform.resultsOf(run.taskResultId).length >= count ? terraform.resultsOf(run.taskResultId) : undefined),
    10_000,
    `${count} task result(s) for ${run.taskResultId}`,
  );

async function requestIdOf(t: AppUnderTest, run: Run): Promise<string> {
  const row = await t.app.db.terraformRunTask.findFirstOrThrow({ where: { runId: run.runId } });
  return row.requestId;
}

const attributes = (result: ReceivedResult | undefined) => result?.body.data.attributes;

describe('Terraform run task gating', () => {
  const logs = new LogCapture();
  const t = useTestApp(
    {
      TERRAFORM_RUN_TASK_HMAC_KEY: HMAC_KEY,
      TERRAFORM_REQUESTERS: `rita=${REQUESTER}`,
      CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
      LOG_LEVEL: 'info',
    },
    { start: startLifecycleApp, callbackTiming: FAST, logDestination: logs.stream },
  );
  let terraform: TerraformDouble;
  const tokens: string[] = [];
  beforeAll(async () => {
    terraform = await TerraformDouble.start();
  });
  afterAll(async () => {
    await terraform.close();
  });
  const signedRun = (answers: number[] = [], overrides = {}) => {
    const run = newRun(terraform, answers);
    tokens.push(run.token);
    const body = runTaskBody(run, overrides);
    return { run, body, signature: sign(body) };
  };

  it('answers the endpoint verification delivery 200 and creates no request', async () => {
    const body = runTaskBody({ token: TERRAFORM_VERIFICATION_TOKEN });
    const res = await deliver(t, body, sign(body));
    expect(res.status).toBe(200);
    expect(await t.app.db.approvalRequest.count()).toBe(0);
    expect(await t.app.db.terraformRunTask.count()).toBe(0);
  });

  it('turns a run into a request and a card, reports running, then passed with the card link on approval', async () => {
    const { run, body, signature } = signedRun();
    const res = await deliver(t, body, signature);
    expect(res.status).toBe(200);
    const requestId = await requestIdOf(t, run);
    const request = await t.app.db.approvalRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(request).toMatchObject({
      action: 'terraform.pre_apply',
      resource: 'acme/infra-prod',
      environment: 'prod',
      risk: 'high',
      reason: 'Grow the database',
      requesterSlackId: REQUESTER,
      apiClientId: null,
      channelId: CHANNEL,
    });
    expect(request.context).toMatchObject({
      terraform_run: run.runId,
      created_by: 'rita',
      vcs_commit: 'https://github.com/acme/infra/commit/5d1b1b6',
      vcs_branch: 'main',
    });
    // The access token is kept sealed: the stored value is not it and does not contain it.
    const stored = await t.app.db.terraformRunTask.findUniqueOrThrow({ where: { requestId } });
    expect(stored.accessTokenSealed).not.toContain(run.token);
    expect(t.app.deps.box.open(stored.accessTokenSealed)).toBe(run.token);

    const card = await waitForCard(t, requestId);
    // The integration asked in the mapped creator's name: recorded as its act for them, and they are told.
    const created = await t.app.db.auditEvent.findFirstOrThrow({ where: { requestId, type: 'request.created' } });
    expect(created).toMatchObject({ actorType: 'service', actorId: 'terraform' });
    expect(created.details).toMatchObject({ onBehalfOf: `user:${REQUESTER}` });
    const told = await eventually(() => dmsTo(t, REQUESTER).find((m) => m.includes('`acme/infra-prod`')));
    expect(told).toContain('Service *terraform* made a request in your name');
    expect(told).toContain(`/p${card.ts.replace('.', '')}`);
    const [running] = await results(terraform, run, 1);
    expect(attributes(running)?.status).toBe('running');
    expect(attributes(running)?.message).toMatch(
      // The date is shown only when the deadline falls on another day (a run near midnight UTC).
      /^Waiting for approval in Slack channel C0APPROVAL, expires (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC$/,
    );
    expect(running?.headers.authorization).toBe(`Bearer ${run.token}`);

    await click(t, APPROVER_A, 'approve_request', requestId);
    const all = await results(terraform, run, 2);
    expect(attributes(all[1])).toEqual({
      status: 'passed',
      message: `Approved by Slack user ${APPROVER_A}`,
      url: `https://slack.com/archives/${CHANNEL}/p${card.ts.replace('.', '')}`,
    });
    const reported = await eventually(async () => {
      const rows = await t.app.db.auditEvent.findMany({
        where: { requestId, type: 'terraform.reported' },
        orderBy: { id: 'asc' },
      });
      return rows.length >= 2 ? rows : undefined;
    });
    expect(reported.map((e) => e.details)).toMatchObject([
      { result: 'running', status: 200, attempt: 1, accepted: true, taskResultId: run.taskResultId },
      { result: 'passed', status: 200, attempt: 1, accepted: true },
    ]);
    expect(terraform.refused).toEqual([]);
  });

  it('reports failed with the reason when an approver denies', async () => {
    const { run, body, signature } = signedRun();
    expect((await deliver(t, body, signature)).status).toBe(200);
    const requestId = await requestIdOf(t, run);
    await results(terraform, run, 1);
    const denied = await decide(t.app.deps, {
      requestId,
      userId: APPROVER_A,
      decision: 'deny',
      reason: 'not during the freeze',
    });
    expect(denied.kind).toBe('recorded');
    const all = await results(terraform, run, 2);
    expect(attributes(all[1])).toMatchObject({
      status: 'failed',
      message: `Denied by Slack user ${APPROVER_A}: not during the freeze`,
    });
  });

  it('makes one request of repeated deliveries of the same run and stage, even at once', async () => {
    const { run, body, signature } = signedRun();
    const answers = await Promise.all([1, 2, 3].map(() => deliver(t, body, signature)));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    expect((await deliver(t, body, signature)).status).toBe(200);
    expect(await t.app.db.terraformRunTask.count({ where: { runId: run.runId } })).toBe(1);
    const requests = await t.app.db.approvalRequest.findMany({
      where: { context: { path: ['terraform_run'], equals: run.runId } },
    });
    expect(requests).toHaveLength(1);
    await results(terraform, run, 1);
    await waitForQueueIdle(t.app.jobs.queue(QUEUES.callbacks));
    expect(terraform.resultsOf(run.taskResultId).map((r) => attributes(r)?.status)).toEqual(['running']);
  });

  it('reports failed at once, saying why, when no Slack requester is known for the run creator', async () => {
    const { run, body, signature } = signedRun([], { createdBy: 'stranger' });
    expect((await deliver(t, body, signature)).status).toBe(200);
    const [result] = await results(terraform, run, 1);
    expect(attributes(result)?.status).toBe('failed');
    expect(attributes(result)?.message).toContain('TERRAFORM_REQUESTER');
    expect(attributes(result)?.message).toContain('stranger');
    const row = await t.app.db.terraformRunTask.findFirstOrThrow({ where: { runId: run.runId } });
    expect(await t.app.db.approvalRequest.count({ where: { id: row.requestId } })).toBe(0);
    const refused = await t.app.db.auditEvent.findFirst({
      where: { type: 'terraform.refused', details: { path: ['runId'], equals: run.runId } },
    });
    expect(refused?.details).toMatchObject({ createdBy: 'stranger', resource: 'acme/infra-prod' });
  });

  it('retries a result HCP does not accept, auditing every attempt', async () => {
    const { run, body, signature } = signedRun([503]);
    expect((await deliver(t, body, signature)).status).toBe(200);
    const requestId = await requestIdOf(t, run);
    await results(terraform, run, 2);
    const attempts = await eventually(async () => {
      const rows = await t.app.db.auditEvent.findMany({
        where: { requestId, type: 'terraform.reported' },
        orderBy: { id: 'asc' },
      });
      return rows.length >= 2 ? rows.map((e) => e.details) : undefined;
    });
    expect(attempts).toMatchObject([
      { result: 'running', attempt: 1, status: 503 },
      { result: 'running', attempt: 2, status: 200, accepted: true },
    ]);
  });

  it('still reports the decision after its queued result was lost with Redis (the reconciler re-queues it)', async () => {
    const { run, body, signature } = signedRun();
    expect((await deliver(t, body, signature)).status).toBe(200);
    const requestId = await requestIdOf(t, run);
    await results(terraform, run, 1);
    const queue = t.app.jobs.queue(QUEUES.callbacks);
    await waitForQueueIdle(queue);
    await queue.pause();
    try {
      await decide(t.app.deps, { requestId, userId: APPROVER_A, decision: 'deny', reason: 'lost and found' });
      await eventually(async () => (await queue.getJob(JOB_IDS.terraformReport(requestId, 'final'))) !== undefined);
      await queue.obliterate({ force: true });
    } finally {
      await queue.resume();
    }
    // A few seconds on, past the reconciler's grace for work just done.
    const later = { ...t.app.deps, now: () => new Date(Date.now() + 5000) };
    expect((await reconcileNow(later)).reported).toBeGreaterThanOrEqual(1);
    const all = await results(terraform, run, 2);
    expect(attributes(all[1])).toMatchObject({ status: 'failed', message: expect.stringContaining('lost and found') });
    await waitForQueueIdle(queue);
    expect((await reconcileNow(later)).reported).toBe(0);
  });

  it('refuses a missing, wrong or foreign-key signature with 401 and writes nothing', async () => {
    const { body } = signedRun();
    await waitForQueueIdle(t.app.jobs.queue(QUEUES.callbacks));
    const auditBefore = await t.app.db.auditEvent.count();
    const requestsBefore = await t.app.db.approvalRequest.count();
    const tasksBefore = await t.app.db.terraformRunTask.count();
    for (const signature of [undefined, 'zz', sign(body, 'another-key-entirely'), sign(`${body} `)]) {
      const res = await deliver(t, body, signature);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    expect(await t.app.db.approvalRequest.count()).toBe(requestsBefore);
    expect(await t.app.db.terraformRunTask.count()).toBe(tasksBefore);
    expect(await t.app.db.auditEvent.count()).toBe(auditBefore);
  });

  it('answers a signed body that is not a run task request 400 with the fields', async () => {
    for (const [json, field] of [
      [{ payload_version: 2 }, 'payload_version'],
      [{ ...JSON.parse(runTaskBody({ token: 'real-token' })), run_id: undefined }, 'run_id'],
    ] as const) {
      const body = JSON.stringify(json);
      const res = await deliver(t, body, sign(body));
      expect(res.status).toBe(400);
      const error = ((await res.json()) as { error: { code: string; fields: Array<{ path: string }> } }).error;
      expect(error.code).toBe('validation_failed');
      expect(error.fields.map((f) => f.path)).toContain(field);
    }
  });

  it('refuses a callback URL at a cloud metadata address with 400 and writes nothing', async () => {
    const tasksBefore = await t.app.db.terraformRunTask.count();
    const body = runTaskBody({ token: 'at-x', callbackUrl: 'http://169.254.169.254/latest/meta-data' });
    const res = await deliver(t, body, sign(body));
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { fields: Array<{ path: string }> } }).error;
    expect(error.fields.map((f) => f.path)).toEqual(['task_result_callback_url']);
    expect(await t.app.db.terraformRunTask.count()).toBe(tasksBefore);
  });

  it('never logs an access token', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    const logged = JSON.stringify(logs.lines);
    for (const token of tokens) expect(logged).not.toContain(token);
  });
});

describe('Terraform run task gating, deadline', () => {
  const t = useTestApp(
    {
      TERRAFORM_RUN_TASK_HMAC_KEY: HMAC_KEY,
      TERRAFORM_REQUESTER: REQUESTER,
      CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
      DEFAULT_TTL_SECONDS: '1',
    },
    { start: startLifecycleApp, callbackTiming: FAST },
  );
  let terraform: TerraformDouble;
  beforeAll(async () => {
    terraform = await TerraformDouble.start();
  });
  afterAll(() => terraform.close());

  it('reports failed when nobody decides before the deadline (the expiry timer, the real path)', async () => {
    const run = newRun(terraform);
    const body = runTaskBody(run, { createdBy: 'unmapped-user', workspace: 'network', stage: 'post_plan' });
    expect((await deliver(t, body, sign(body))).status).toBe(200);
    const requestId = await requestIdOf(t, run);
    const request = await t.app.db.approvalRequest.findUniqueOrThrow({ where: { id: requestId } });
    // The fallback requester asks; a workspace name without an environment ending has none.
    expect(request).toMatchObject({ requesterSlackId: REQUESTER, environment: null, action: 'terraform.post_plan' });
    const final = await eventually(
      () => terraform.resultsOf(run.taskResultId).find((r) => attributes(r)?.status !== 'running'),
      10_000,
      'a final result',
    );
    expect(attributes(final)?.status).toBe('failed');
    expect(attributes(final)?.message).toMatch(/^No decision before the deadline \(\d\d:\d\d UTC\): expired$/);
    expect((await t.app.db.approvalRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe('expired');
  });
});

describe('Terraform run task gating, REQUIRE_LINKED_REQUESTERS on', () => {
  const t = useTestApp(
    {
      TERRAFORM_RUN_TASK_HMAC_KEY: HMAC_KEY,
      TERRAFORM_REQUESTERS: `rita=${REQUESTER}`,
      TERRAFORM_REQUESTER: APPROVER_A,
      REQUIRE_LINKED_REQUESTERS: 'true',
      CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
    },
    { start: startLifecycleApp, callbackTiming: FAST },
  );
  let terraform: TerraformDouble;
  beforeAll(async () => {
    terraform = await TerraformDouble.start();
  });
  afterAll(() => terraform.close());

  it('reports failed at once, saying why, a run whose creator is not mapped, even with TERRAFORM_REQUESTER set', async () => {
    const run = newRun(terraform);
    const body = runTaskBody(run, { createdBy: 'stranger' });
    expect((await deliver(t, body, sign(body))).status).toBe(200);
    const [result] = await results(terraform, run, 1);
    const message =
      'HCP user “stranger” is not linked to a Slack user; add them to TERRAFORM_REQUESTERS (REQUIRE_LINKED_REQUESTERS is on, so TERRAFORM_REQUESTER is not used)';
    expect(attributes(result)).toMatchObject({
      status: 'failed',
      message: `Greenlight could not ask for approval: ${message}`,
    });
    await waitForQueueIdle(t.app.jobs.queue(QUEUES.callbacks));
    expect(terraform.resultsOf(run.taskResultId)).toHaveLength(1);
    expect(await t.app.db.approvalRequest.count()).toBe(0);
    expect(t.slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
    const row = await t.app.db.terraformRunTask.findFirstOrThrow({ where: { runId: run.runId } });
    expect(row.failure).toBe(message);
    const refused = await t.app.db.auditEvent.findMany({
      where: { type: 'terraform.refused', details: { path: ['runId'], equals: run.runId } },
    });
    expect(refused.map((e) => e.details)).toEqual([
      expect.objectContaining({ createdBy: 'stranger', resource: 'acme/infra-prod', reason: message }),
    ]);
  });

  it('still asks for a run whose creator is mapped, with the creator as the requester', async () => {
    const run = newRun(terraform);
    const body = runTaskBody(run, { createdBy: 'rita' });
    expect((await deliver(t, body, sign(body))).status).toBe(200);
    const request = await t.app.db.approvalRequest.findUniqueOrThrow({ where: { id: await requestIdOf(t, run) } });
    expect(request).toMatchObject({ requesterSlackId: REQUESTER, status: 'pending' });
    const [result] = await results(terraform, run, 1);
    expect(attributes(result)?.status).toBe('running');
  });
});

describe('Terraform run task endpoint, not configured', () => {
  const t = useTestApp();

  it('answers 503 not_configured even to a signed delivery', async () => {
    const body = runTaskBody({ token: TERRAFORM_VERIFICATION_TOKEN });
    const res = await deliver(t, body, sign(body));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_configured');
  });
});
