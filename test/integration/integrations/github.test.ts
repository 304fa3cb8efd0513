import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/queues.ts';
import { reconcileNow } from '../../../src/jobs/reconciler.ts';
import { replaceIdentities, setIdentity } from '../../../src/services/identities/identities.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import { assertBuilt, runCli } from '../../support/cli-process.ts';
import { query } from '../../support/database.ts';
import { deliverGithubWebhook, GithubDouble, signGithubWebhook } from '../../support/github-double.ts';
import {
  type ProtectionRuleInput,
  protectionRuleInput,
  protectionRuleRequested,
  workflowRun,
} from '../../support/github-fixtures.ts';
import type { TestApp } from '../../support/harness.ts';
import {
  APPROVER_A,
  APPROVER_B,
  CHANNEL,
  cardOf,
  click,
  eventually,
  REQUESTER,
  startLifecycleApp,
  waitForCard,
} from '../../support/lifecycle.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const SECRET = 'gh-webhook-secret-0123456789';
const INSTALLATION = 31_337_001;
const OWNER = 'acme';
const REPO = 'shop';
let runCounter = 9_100_000_000;

let github: GithubDouble;

/** The lifecycle app with the GitHub App configured against a fresh GitHub double. */
async function startWithGithub(env: Record<string, string>, options: Parameters<typeof startLifecycleApp>[1]) {
  const double = await GithubDouble.start();
  github = double;
  double.install(INSTALLATION, `${OWNER}/${REPO}`);
  let started: TestApp;
  try {
    started = await startLifecycleApp(
      {
        ...env,
        GITHUB_APP_ID: String(double.appId),
        GITHUB_APP_PRIVATE_KEY: double.privateKeyPem,
        GITHUB_WEBHOOK_SECRET: SECRET,
        GITHUB_API_URL: double.url,
      },
      options,
    );
  } catch (error) {
    await double.close();
    throw error;
  }
  return {
    ...started,
    async close() {
      await started.close();
      await double.close();
    },
  };
}

const ADMIN = 'U0ADMIN001';

/** An admin API key, for applying a rules file with `greenlight rules apply`. */
const ADMIN_KEY = `gh-rules-${randomBytes(16).toString('hex')}`;

const t = useTestApp(
  { ADMIN_USER_IDS: ADMIN, SERVICE_API_KEYS: `admin:${ADMIN_KEY}:admin` },
  { start: startWithGithub, callbackTiming: { retryBaseMs: 50, retryCapMs: 200, attemptTimeoutMs: 2000 } },
);

/** A fresh run of `acme/shop` waiting on `environment`, with its workflow run known to the double. */
function newRun(overrides: Partial<ProtectionRuleInput> = {}) {
  const input = protectionRuleInput(
    { owner: OWNER, repo: REPO, runId: ++runCounter, installationId: INSTALLATION },
    overrides,
  );
  github.runs.set(
    `${OWNER}/${REPO}/${input.runId}`,
    workflowRun({ ...input, name: 'Deploy shop', message: 'Fix checkout rounding\n\nCloses #12' }),
  );
  return { input, payload: protectionRuleRequested(input) };
}

let deliveryCounter = 0;
const newDelivery = () => `72d3162e-cc78-11e3-81ab-${String(++deliveryCounter).padStart(12, '0')}`;

async function deliver(payload: unknown, delivery = newDelivery()) {
  return deliverTo(t, payload, delivery);
}

async function deliverTo(app: { baseUrl: string }, payload: unknown, delivery = newDelivery()) {
  const res = await deliverGithubWebhook(app.baseUrl, SECRET, {
    event: 'deployment_protection_rule',
    delivery,
    payload,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function row(requestId: string) {
  const [found] = await query<{ status: string; requester_slack_id: string; context: Record<string, unknown> }>(
    t.database.url,
    'SELECT status, requester_slack_id, context, reason, action, resource, environment, source FROM approval_requests WHERE id = $1',
    [requestId],
  );
  return found as Record<string, unknown>;
}

const reviewsOf = (runId: number) => github.reviews.filter((r) => r.runId === String(runId));

async function auditTypes(requestId: string): Promise<Array<{ type: string; details: Record<string, unknown> }>> {
  return query(t.database.url, 'SELECT type, details FROM audit_events WHERE request_id = $1 ORDER BY id', [requestId]);
}

/** Denies `requestId` as APPROVER_B through the card's Deny button and its reason modal, and waits for the row. */
async function denyWithReason(requestId: string, reason: string) {
  await click(t, APPROVER_B, 'deny_request', requestId);
  const opened = await t.slack.waitForCall('views.open', (c) => JSON.stringify(c.args.view).includes(requestId));
  const view = opened.args.view as { private_metadata: string };
  await t.sender.viewSubmission({
    user_id: APPROVER_B,
    callback_id: 'deny_reason_modal',
    private_metadata: view.private_metadata,
    values: { reason: { reason: { type: 'plain_text_input', value: reason } } },
  });
  await eventually(async () => (await row(requestId)).status === 'denied', 5000, 'denied');
}

describe('GitHub deployment protection rules', () => {
  it('the fixture event is valid against the published deployment_protection_rule.requested schema', () => {
    const require = createRequire(import.meta.url);
    const schema = require('@octokit/webhooks-schemas') as { definitions: Record<string, unknown> };
    // Only the definitions the event reaches: compiling all of GitHub's webhooks takes many seconds.
    const definitions: Record<string, unknown> = {};
    const visit = (name: string) => {
      if (name in definitions) return;
      definitions[name] = schema.definitions[name];
      for (const [, ref] of JSON.stringify(schema.definitions[name]).matchAll(/"#\/definitions\/([^"]+)"/g)) {
        visit(ref as string);
      }
    };
    visit('deployment_protection_rule$requested');
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addFormat('uri-template', true);
    const validate = ajv.compile({ $ref: '#/definitions/deployment_protection_rule$requested', definitions });
    const { payload } = newRun({ pullRequests: [12, 13] });
    expect(payload.pull_requests).toHaveLength(2);
    expect(validate(payload), JSON.stringify(validate.errors)).toBe(true);
  });

  it('a protection rule event becomes a card; approval is reported with the installation token', async () => {
    await setIdentity(t.app.deps, { type: 'user', id: 'U0ADMIN001' }, 'github', 'OctoCat', REQUESTER);
    const { input, payload } = newRun({ pullRequests: [12] });
    const res = await deliver(payload);
    expect(res.status).toBe(202);
    const requestId = res.body.requestId as string;
    expect(await row(requestId)).toMatchObject({
      status: 'pending',
      source: 'github',
      action: 'github.deploy',
      resource: 'acme/shop',
      environment: 'production',
      reason: 'Deploy shop: Fix checkout rounding\n\nCloses #12',
      requester_slack_id: REQUESTER,
      context: {
        ref: 'main',
        sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
        run: `https://github.com/acme/shop/actions/runs/${input.runId}`,
        actor: 'octocat',
        trigger: 'push',
        pull_requests: '#12 https://github.com/acme/shop/pull/12',
      },
    });
    const card = await waitForCard(t, requestId);
    expect(JSON.stringify(card.blocks)).toContain(`<@${REQUESTER}>`);

    // One status report (no state) says where the request waits.
    const waiting = await eventually(() => reviewsOf(input.runId)[0], 5000, 'status report');
    expect(waiting).toMatchObject({ installationId: INSTALLATION, environment_name: 'production' });
    expect(waiting.state).toBeUndefined();
    expect(waiting.comment).toMatch(
      // The date is shown only when the deadline falls on another day (a run near midnight UTC).
      new RegExp(
        `^Waiting for approval in Slack channel ${CHANNEL}, expires (\\d{4}-\\d\\d-\\d\\d )?\\d\\d:\\d\\d UTC`,
      ),
    );

    await click(t, APPROVER_A, 'approve_request', requestId);
    const decision = await eventually(() => reviewsOf(input.runId).find((r) => r.state !== undefined), 5000, 'review');
    expect(decision).toMatchObject({ state: 'approved', environment_name: 'production', installationId: INSTALLATION });
    expect(decision.comment).toMatch(
      /^Approved by alice in Slack\. Card: https:\/\/greenlight-test\.slack\.com\/archives\//,
    );
    expect(reviewsOf(input.runId)).toHaveLength(2);

    // Every call to GitHub carried either the App JWT (minting) or a token the double issued.
    const reviewCalls = github.calls.filter((c) => c.path.endsWith('/deployment_protection_rule'));
    for (const call of reviewCalls) expect(github.issued(call.authorization?.replace('Bearer ', '') ?? '')).toBe(true);
    const minted = github.calls.filter((c) => c.path === `/app/installations/${INSTALLATION}/access_tokens`);
    expect(minted.length).toBeGreaterThanOrEqual(1);
    expect(minted.every((c) => c.status === 201)).toBe(true);

    // The attempt is audited once GitHub has answered.
    const audit = await eventually(async () => {
      const events = await auditTypes(requestId);
      return events.filter((e) => e.type === 'github.reported').length === 2 ? events : undefined;
    });
    expect(audit.filter((e) => e.type === 'github.reported').map((e) => [e.details.kind, e.details.state])).toEqual([
      ['waiting', undefined],
      ['decision', 'approved'],
    ]);
    const [link] = await query<{ reported_state: string }>(
      t.database.url,
      'SELECT reported_state FROM github_deployments WHERE request_id = $1',
      [requestId],
    );
    expect(link?.reported_state).toBe('approved');
  });

  it('a denial is reported as rejected with the reason', async () => {
    const { input, payload } = newRun({ environment: 'production-eu' });
    const { body } = await deliver(payload);
    const requestId = body.requestId as string;
    await click(t, APPROVER_B, 'deny_request', requestId);
    const opened = await t.slack.waitForCall('views.open', (c) => JSON.stringify(c.args.view).includes(requestId));
    const view = opened.args.view as { private_metadata: string };
    await t.sender.viewSubmission({
      user_id: APPROVER_B,
      callback_id: 'deny_reason_modal',
      private_metadata: view.private_metadata,
      values: { reason: { reason: { type: 'plain_text_input', value: 'Not during the freeze' } } },
    });
    const decision = await eventually(() => reviewsOf(input.runId).find((r) => r.state !== undefined), 5000, 'review');
    expect(decision).toMatchObject({ state: 'rejected', environment_name: 'production-eu' });
    expect(decision.comment).toContain('Rejected by bob in Slack. Reason: Not during the freeze');
  });

  it('an expired request is reported as rejected', async () => {
    await createRule(
      t.app.deps,
      { type: 'user', id: 'U0ADMIN001' },
      ruleInput({
        name: 'Staging deploys',
        actionPatterns: ['github.deploy'],
        resourcePatterns: ['**'],
        environments: ['staging'],
        channelId: CHANNEL,
        approvers: [APPROVER_A],
        requiredApprovals: 1,
        ttlSeconds: 1,
      }),
    );
    const { input, payload } = newRun({ environment: 'staging' });
    const { body } = await deliver(payload);
    const requestId = body.requestId as string;
    const decision = await eventually(
      () => reviewsOf(input.runId).find((r) => r.state !== undefined),
      8000,
      'expiry review',
    );
    expect((await row(requestId)).status).toBe('expired');
    expect(decision.state).toBe('rejected');
    expect(decision.comment).toMatch(/^Rejected: nobody decided before the approval request expired at/);
  });

  it('duplicate deliveries (same delivery id, or the same run and environment) create one request', async () => {
    const { input, payload } = newRun({ environment: 'dup-env' });
    const delivery = newDelivery();
    const first = await deliver(payload, delivery);
    const again = await deliver(payload, delivery);
    const sameRun = await deliver(payload);
    expect(first.status).toBe(202);
    expect(again).toEqual({ status: 200, body: { duplicate: true, requestId: first.body.requestId } });
    expect(sameRun).toEqual({ status: 200, body: { duplicate: true, requestId: first.body.requestId } });
    const rows = await query(
      t.database.url,
      "SELECT id FROM approval_requests WHERE source = 'github' AND environment = 'dup-env'",
    );
    expect(rows).toHaveLength(1);
    await eventually(() => reviewsOf(input.runId).length === 1, 5000, 'one status report');
  });

  it('a re-run after the decision is a new request with its own reports; repeats of it create nothing', async () => {
    const { input, payload } = newRun({ environment: 'rerun' });
    const first = await deliver(payload);
    const firstId = first.body.requestId as string;
    await denyWithReason(firstId, 'Not yet');
    await eventually(() => reviewsOf(input.runId).some((r) => r.state === 'rejected'), 5000, 'first review');

    // GitHub "Re-run jobs": the same run and environment ask again, with a new delivery and a new deployment.
    const rerun = protectionRuleRequested({ ...input, deploymentId: 1_950_000_000 + input.runId });
    const delivery = newDelivery();
    const second = await deliver(rerun, delivery);
    expect(second.status).toBe(202);
    const secondId = second.body.requestId as string;
    expect(secondId).not.toBe(firstId);
    expect(await row(secondId)).toMatchObject({ status: 'pending', environment: 'rerun', source: 'github' });
    await waitForCard(t, secondId);
    expect(await auditTypes(secondId)).toContainEqual(expect.objectContaining({ type: 'request.created' }));

    // While the re-run's request is pending, its redelivery and another delivery of it are duplicates.
    const duplicate = { status: 200, body: { duplicate: true, requestId: secondId } };
    expect(await deliver(rerun, delivery)).toEqual(duplicate);
    expect(await deliver(rerun)).toEqual(duplicate);
    await eventually(() => reviewsOf(input.runId).length === 3, 5000, 'status report of the re-run');

    await click(t, APPROVER_A, 'approve_request', secondId);
    const approved = await eventually(
      () => reviewsOf(input.runId).find((r) => r.state === 'approved'),
      5000,
      'review of the re-run',
    );
    expect(approved).toMatchObject({ environment_name: 'rerun', installationId: INSTALLATION });
    expect(approved.comment).toMatch(/^Approved by alice in Slack\./);
    expect(reviewsOf(input.runId).map((r) => r.state ?? 'waiting')).toEqual([
      'waiting',
      'rejected',
      'waiting',
      'approved',
    ]);

    // Decided, the re-run's own delivery (redelivered or sent again) is still the same attempt.
    expect(await deliver(rerun, delivery)).toEqual(duplicate);
    expect(await deliver(rerun)).toEqual(duplicate);
    const attempts = await query<{ attempt: number; deployment_id: string; request_id: string }>(
      t.database.url,
      'SELECT attempt, deployment_id::text, request_id FROM github_deployments WHERE run_id = $1 ORDER BY attempt',
      [input.runId],
    );
    expect(attempts).toEqual([
      { attempt: 1, deployment_id: String(1_900_000_000 + input.runId), request_id: firstId },
      { attempt: 2, deployment_id: String(1_950_000_000 + input.runId), request_id: secondId },
    ]);
    expect(reviewsOf(input.runId)).toHaveLength(4);
  });

  it('re-runs racing each other make one request; an event without a deployment goes by its delivery id', async () => {
    const { input, payload } = newRun({ environment: 'rerun-race' });
    const first = await deliver(payload);
    await denyWithReason(first.body.requestId as string, 'Not yet');
    const rerun = protectionRuleRequested({ ...input, deploymentId: 1_960_000_000 + input.runId });
    const raced = await Promise.all([deliver(rerun), deliver(rerun), deliver(rerun)]);
    expect(raced.map((r) => r.status).sort()).toEqual([200, 200, 202]);
    const secondId = raced.find((r) => r.status === 202)?.body.requestId as string;
    // A loser that meets the winner's claim before its request exists is told so without an id.
    for (const r of raced.filter((d) => d.status === 200)) expect([secondId, null]).toContain(r.body.requestId);

    // Without a deployment, only the delivery id tells a re-run from a repeat.
    const bare = { ...protectionRuleRequested(input), deployment: undefined };
    expect(await deliver(bare)).toEqual({ status: 200, body: { duplicate: true, requestId: secondId } });
    await denyWithReason(secondId, 'Still not');
    const delivery = newDelivery();
    const third = await deliver(bare, delivery);
    expect(third.status).toBe(202);
    const thirdId = third.body.requestId as string;
    expect(await row(thirdId)).toMatchObject({ status: 'pending', environment: 'rerun-race' });
    await denyWithReason(thirdId, 'Not today');
    expect(await deliver(bare, delivery)).toEqual({ status: 200, body: { duplicate: true, requestId: thirdId } });
    const rows = await query(
      t.database.url,
      "SELECT id FROM approval_requests WHERE source = 'github' AND environment = 'rerun-race'",
    );
    expect(rows).toHaveLength(3);
  });

  it('answers a ping and ignores other events, writing nothing', async () => {
    const ping = await deliverGithubWebhook(t.baseUrl, SECRET, {
      event: 'ping',
      delivery: newDelivery(),
      payload: { zen: 'Keep it logically awesome.', hook_id: 501234567 },
    });
    expect(ping.status).toBe(200);
    const { payload } = newRun({ environment: 'other-events' });
    const push = await deliverGithubWebhook(t.baseUrl, SECRET, { event: 'push', delivery: newDelivery(), payload });
    expect(push.status).toBe(202);
    expect(await push.json()).toEqual({ ignored: 'push.requested' });
    const rows = await query(t.database.url, "SELECT 1 FROM github_deployments WHERE environment = 'other-events'");
    expect(rows).toEqual([]);
  });

  it('a bad signature is refused with 401 and nothing is written', async () => {
    const { payload } = newRun({ environment: 'forged' });
    const before = await query<{ n: string }>(
      t.database.url,
      'SELECT (SELECT count(*) FROM approval_requests) + (SELECT count(*) FROM github_deployments) + (SELECT count(*) FROM audit_events) AS n',
    );
    const forged = await deliverGithubWebhook(t.baseUrl, SECRET, {
      event: 'deployment_protection_rule',
      delivery: newDelivery(),
      payload,
      signature: signGithubWebhook('another-secret-123456', JSON.stringify(payload)),
    });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${t.baseUrl}/integrations/github/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'deployment_protection_rule' },
      body: JSON.stringify(payload),
    });
    expect(unsigned.status).toBe(401);
    const after = await query<{ n: string }>(
      t.database.url,
      'SELECT (SELECT count(*) FROM approval_requests) + (SELECT count(*) FROM github_deployments) + (SELECT count(*) FROM audit_events) AS n',
    );
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('finds the requester by public e-mail, and shows an unlinked GitHub user by login', async () => {
    github.users.set('mona', { login: 'mona', id: 77, email: 'alice@example.com' });
    const byEmail = newRun({ environment: 'by-email', sender: 'mona' });
    const linked = await deliver(byEmail.payload);
    expect((await row(linked.body.requestId as string)).requester_slack_id).toBe(APPROVER_A);

    github.users.set('hubot', { login: 'hubot', id: 78, email: null });
    const unlinked = newRun({ environment: 'unlinked', sender: 'hubot' });
    const res = await deliver(unlinked.payload);
    const requestId = res.body.requestId as string;
    expect((await row(requestId)).requester_slack_id).toBe('github:hubot');
    const card = await waitForCard(t, requestId);
    expect(JSON.stringify(card.blocks)).toContain(
      'GitHub user hubot (not linked to Slack: self-approval cannot be checked)',
    );
    expect(cardOf(t, requestId)?.text).toContain('GitHub user hubot');
  });

  it('a report GitHub fails is retried with backoff, each attempt audited', async () => {
    const { input, payload } = newRun({ environment: 'flaky' });
    // This run's POSTs only: an earlier test's report still being retried must not use up a failure.
    github.failNext(
      new RegExp(`^POST /repos/acme/shop/actions/runs/${input.runId}/deployment_protection_rule$`),
      502,
      2,
    );
    const { body } = await deliver(payload);
    const requestId = body.requestId as string;
    await eventually(() => reviewsOf(input.runId).length === 1, 8000, 'status report after retries');
    const audit = await eventually(async () => {
      const events = await auditTypes(requestId);
      return events.some((e) => e.type === 'github.reported') ? events : undefined;
    });
    expect(audit.filter((e) => e.type.startsWith('github.')).map((e) => [e.type, e.details.status])).toEqual([
      ['github.report_failed', 502],
      ['github.report_failed', 502],
      ['github.reported', 204],
    ]);
  });

  it('refuses self-approval by the linked GitHub user, and rejects at once a deployment nobody else may approve', async () => {
    const admin = { type: 'user' as const, id: 'U0ADMIN001' };
    await setIdentity(t.app.deps, admin, 'github', 'alice-gh', APPROVER_A);
    const own = newRun({ environment: 'self', sender: 'alice-gh' });
    const { body } = await deliver(own.payload);
    const requestId = body.requestId as string;
    expect((await row(requestId)).requester_slack_id).toBe(APPROVER_A);
    await click(t, APPROVER_A, 'approve_request', requestId);
    await eventually(async () => {
      const events = await auditTypes(requestId);
      return events.some((e) => e.type === 'decision.refused' && e.details.reason === 'self_approval');
    });
    expect((await row(requestId)).status).toBe('pending');

    await createRule(
      t.app.deps,
      admin,
      ruleInput({
        name: 'Alice only',
        actionPatterns: ['github.deploy'],
        resourcePatterns: ['**'],
        environments: ['alice-only'],
        channelId: CHANNEL,
        approvers: [APPROVER_A],
        requiredApprovals: 1,
      }),
    );
    const lonely = newRun({ environment: 'alice-only', sender: 'alice-gh' });
    const refused = await deliver(lonely.payload);
    expect(refused.status).toBe(202);
    expect(refused.body.refused).toMatch(/approver\(s\) other than the requester/);
    const [review] = reviewsOf(lonely.input.runId);
    expect(review).toMatchObject({ state: 'rejected', environment_name: 'alice-only' });
    expect(review?.comment).toMatch(/^Greenlight could not ask for approval: /);
    const audited = await query<{ details: Record<string, unknown> }>(
      t.database.url,
      "SELECT details FROM audit_events WHERE type = 'github.reported' AND details->>'kind' = 'unroutable' AND details->>'runId' = $1",
      [String(lonely.input.runId)],
    );
    expect(audited).toEqual([
      {
        details: expect.objectContaining({
          state: 'rejected',
          environment: 'alice-only',
          repository: 'acme/shop',
          status: 204,
        }),
      },
    ]);
  });

  it('the reconciler re-queues a report lost with Redis', async () => {
    const { input, payload } = newRun({ environment: 'lost' });
    github.failNext(/^POST \/repos\/acme\/shop\/actions\/runs\/\d+\/deployment_protection_rule$/, 502, 1000);
    const { body } = await deliver(payload);
    const requestId = body.requestId as string;
    await eventually(async () => (await auditTypes(requestId)).some((e) => e.type === 'github.report_failed'));
    const callbacks = t.app.jobs.queue(QUEUES.callbacks);
    await callbacks.pause();
    // An attempt already running is not stopped by obliterate: let it fail (GitHub still answers 502)
    // before GitHub recovers, or it reports on its own and the repair has nothing left to do.
    await eventually(async () => (await callbacks.getActiveCount()) === 0, 10_000, 'no report attempt running');
    await callbacks.obliterate({ force: true });
    github.clearFailures();
    await callbacks.resume();
    // Past the reconciler's grace period, as a report lost a while ago would be.
    await query(
      t.database.url,
      "UPDATE github_deployments SET created_at = now() - interval '1 minute' WHERE request_id = $1",
      [requestId],
    );
    expect(reviewsOf(input.runId)).toHaveLength(0);
    expect((await reconcileNow(t.app.deps)).recalled).toBeGreaterThanOrEqual(1);
    await eventually(() => reviewsOf(input.runId).length === 1, 5000, 'status report after the repair');
  });

  it('admins link and unlink GitHub users in App Home; others are refused', async () => {
    t.slack.addUser({ id: ADMIN, name: 'ada' });
    const home = { id: 'VHOME', type: 'home', private_metadata: '{}' };
    await t.sender.blockAction({ user_id: ADMIN, action_id: 'home_identity_add', value: 'new', view: home });
    const opened = await t.slack.waitForCall(
      'views.open',
      (c) => (c.args.view as { callback_id?: string }).callback_id === 'identity_link_modal',
    );
    expect(opened.response.ok).toBe(true);
    const submit = (user: string, login: string, slackUser: string | null) =>
      t.sender.viewSubmission({
        user_id: user,
        callback_id: 'identity_link_modal',
        private_metadata: '',
        values: {
          identity_login: { identity_login: { type: 'plain_text_input', value: login } },
          identity_user: { identity_user: { type: 'users_select', selected_user: slackUser } },
        },
      });
    const bad = await submit(ADMIN, '-not-a-login-', null);
    expect(await bad.json()).toEqual({
      response_action: 'errors',
      errors: {
        identity_login: 'Use a GitHub login: letters, digits and single hyphens, at most 39 characters.',
        identity_user: 'Choose the Slack user.',
      },
    });
    const outsider = await submit(APPROVER_B, 'sneaky', APPROVER_B);
    expect(((await outsider.json()) as { errors: unknown }).errors).toEqual({
      identity_login: 'Only Greenlight admins can link GitHub users.',
    });

    const ok = await submit(ADMIN, 'Hubot-2', APPROVER_B);
    expect(ok.status).toBe(200);
    const links = () =>
      query<{ external_login: string; slack_user_id: string }>(
        t.database.url,
        "SELECT external_login, slack_user_id FROM identity_links WHERE provider = 'github' AND external_login = 'hubot-2'",
      );
    expect(await links()).toEqual([{ external_login: 'hubot-2', slack_user_id: APPROVER_B }]);
    await eventually(() => JSON.stringify(t.slack.homes.get(ADMIN) ?? {}).includes('hubot-2'));
    const audit = await query<{ actor_id: string; details: Record<string, unknown> }>(
      t.database.url,
      "SELECT actor_id, details FROM audit_events WHERE type = 'identity.linked' AND details->>'login' = 'hubot-2'",
    );
    expect(audit).toEqual([
      { actor_id: ADMIN, details: { provider: 'github', login: 'hubot-2', before: null, after: APPROVER_B } },
    ]);

    await t.sender.blockAction({
      user_id: APPROVER_B,
      action_id: 'home_identity_remove',
      value: 'hubot-2',
      view: home,
    });
    await t.sender.blockAction({ user_id: ADMIN, action_id: 'home_identity_remove', value: 'hubot-2', view: home });
    await eventually(async () => (await links()).length === 0);
    const unlinked = await query(
      t.database.url,
      "SELECT actor_id FROM audit_events WHERE type = 'identity.unlinked' AND details->>'login' = 'hubot-2'",
    );
    expect(unlinked).toEqual([{ actor_id: ADMIN }]);
  });

  it('replaceIdentities makes the links exactly a rules file map, all or nothing', async () => {
    const actor = { type: 'system' as const, id: 'rules-file' };
    await expect(
      replaceIdentities(t.app.deps, actor, 'github', { 'ok-user': APPROVER_A, 'bad login': APPROVER_B }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      fields: [{ path: 'bad login', message: 'is not a GitHub login' }],
    });
    const result = await replaceIdentities(t.app.deps, actor, 'github', { 'Rules-Octo': APPROVER_A });
    expect(result.added).toEqual(['rules-octo']);
    const all = await query<{ external_login: string }>(
      t.database.url,
      "SELECT external_login FROM identity_links WHERE provider = 'github' ORDER BY external_login",
    );
    expect(all).toEqual([{ external_login: 'rules-octo' }]);
  });

  it('finds the requester through a link applied from a rules file with greenlight rules apply', async () => {
    assertBuilt();
    github.users.set('deploy-bot', { login: 'deploy-bot', id: 79, email: null });
    const before = newRun({ environment: 'from-file', sender: 'deploy-bot' });
    const unlinked = await deliver(before.payload);
    expect((await row(unlinked.body.requestId as string)).requester_slack_id).toBe('github:deploy-bot');

    const dir = await mkdtemp(path.join(tmpdir(), 'greenlight-gh-rules-'));
    try {
      const rulesFile = path.join(dir, 'rules.yml');
      await writeFile(
        rulesFile,
        [
          'rules:',
          '  - name: Deploys from the file',
          '    match:',
          '      actions: github.deploy',
          '      environments: [from-file-2]',
          `    channel: ${CHANNEL}`,
          `    approvers: [${APPROVER_A}, ${APPROVER_B}]`,
          'identities:',
          '  github:',
          `    Deploy-Bot: ${APPROVER_B}`,
          '',
        ].join('\n'),
      );
      const run = runCli(['rules', 'apply', rulesFile], { GREENLIGHT_URL: t.baseUrl, GREENLIGHT_API_KEY: ADMIN_KEY });
      const { code } = await run.exited;
      expect(run.stderr()).toBe('');
      expect(code).toBe(0);
      expect(run.stdout()).toContain(`+ github deploy-bot → ${APPROVER_B} (linked)`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const { input, payload } = newRun({ environment: 'from-file-2', sender: 'deploy-bot' });
    const res = await deliver(payload);
    const requestId = res.body.requestId as string;
    expect(await row(requestId)).toMatchObject({ status: 'pending', requester_slack_id: APPROVER_B });
    const card = await waitForCard(t, requestId);
    expect(JSON.stringify(card.blocks)).toContain(`<@${APPROVER_B}>`);
    // The linked user is the requester: they may not approve their own deployment; the other approver may.
    await click(t, APPROVER_B, 'approve_request', requestId);
    await eventually(async () => {
      const events = await auditTypes(requestId);
      return events.some((e) => e.type === 'decision.refused' && e.details.reason === 'self_approval');
    });
    await click(t, APPROVER_A, 'approve_request', requestId);
    const decision = await eventually(() => reviewsOf(input.runId).find((r) => r.state !== undefined), 5000, 'review');
    expect(decision).toMatchObject({ state: 'approved', environment_name: 'from-file-2' });
  });
});

describe('GitHub deployment protection rules, REQUIRE_LINKED_REQUESTERS on', () => {
  // A second app with its own GitHub double (startWithGithub points `github` at it): the file's first
  // app keeps today's fail-open default, this one fails closed.
  const strict = useTestApp(
    { REQUIRE_LINKED_REQUESTERS: 'true' },
    { start: startWithGithub, callbackTiming: { retryBaseMs: 50, retryCapMs: 200, attemptTimeoutMs: 2000 } },
  );

  it('rejects at once, and audits, a deployment whose GitHub user is not linked to Slack; no request or card is made', async () => {
    github.users.set('octocat', { login: 'octocat', id: 81, email: null });
    const { input, payload } = newRun({ environment: 'strict-unlinked', sender: 'octocat' });
    const message =
      'GitHub user octocat is not linked to a Slack user; an admin can link them in App Home or the rules file';
    const res = await deliverTo(strict, payload);
    expect(res).toEqual({ status: 202, body: { refused: message } });

    expect(reviewsOf(input.runId)).toEqual([
      expect.objectContaining({
        state: 'rejected',
        environment_name: 'strict-unlinked',
        installationId: INSTALLATION,
        comment: `Greenlight could not ask for approval: ${message}`,
      }),
    ]);
    expect(await query(strict.database.url, 'SELECT id FROM approval_requests')).toEqual([]);
    expect(
      await query(
        strict.database.url,
        "SELECT request_id FROM github_deployments WHERE environment = 'strict-unlinked'",
      ),
    ).toEqual([{ request_id: null }]);
    expect(strict.slack.calls.filter((c) => c.method === 'chat.postMessage')).toEqual([]);
    const audited = await query<{ type: string; actor_type: string; request_id: string | null; details: unknown }>(
      strict.database.url,
      "SELECT type, actor_type, request_id, details FROM audit_events WHERE type LIKE 'github.%'",
    );
    expect(audited).toEqual([
      {
        type: 'github.reported',
        actor_type: 'system',
        request_id: null,
        details: {
          kind: 'unlinked',
          state: 'rejected',
          reason: message,
          repository: 'acme/shop',
          runId: String(input.runId),
          environment: 'strict-unlinked',
          status: 204,
        },
      },
    ]);
  });

  it('still asks for a deployment whose GitHub user is linked, or found by public e-mail', async () => {
    await setIdentity(strict.app.deps, { type: 'user', id: ADMIN }, 'github', 'linked-octo', APPROVER_B);
    const linked = await deliverTo(strict, newRun({ environment: 'strict-linked', sender: 'linked-octo' }).payload);
    expect(linked.status).toBe(202);
    github.users.set('mona', { login: 'mona', id: 82, email: 'alice@example.com' });
    const byEmail = await deliverTo(strict, newRun({ environment: 'strict-email', sender: 'mona' }).payload);
    expect(byEmail.status).toBe(202);
    const requesters = await query<{ requester_slack_id: string }>(
      strict.database.url,
      'SELECT requester_slack_id FROM approval_requests WHERE id = ANY($1::uuid[]) ORDER BY environment DESC',
      [[linked.body.requestId, byEmail.body.requestId]],
    );
    expect(requesters).toEqual([{ requester_slack_id: APPROVER_B }, { requester_slack_id: APPROVER_A }]);
  });
});
