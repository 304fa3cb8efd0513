import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TERRAFORM_VERIFICATION_TOKEN } from '../../../src/http/integrations/terraform.ts';
import { LogCapture } from '../../support/log-capture.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const HMAC_KEY = `tfc-${randomBytes(16).toString('hex')}`;
const PATH = '/integrations/terraform/run-task';

/** A run task request shaped like HCP Terraform's (payload_version 1), with `access_token` as given. */
function runTaskBody(accessToken: string): string {
  return JSON.stringify({
    payload_version: 1,
    access_token: accessToken,
    stage: 'pre_apply',
    is_speculative: false,
    task_result_id: `taskrs-${randomBytes(8).toString('hex')}`,
    task_result_enforcement_level: 'mandatory',
    task_result_callback_url: 'https://app.terraform.io/api/v2/task-results/taskrs-1/callback',
    run_app_url: 'https://app.terraform.io/app/acme/infra-prod/runs/run-1',
    run_id: 'run-1',
    run_message: 'Grow the database',
    run_created_at: '2026-11-23T20:00:00.000Z',
    run_created_by: 'rita',
    workspace_id: 'ws-1',
    workspace_name: 'infra-prod',
    workspace_app_url: 'https://app.terraform.io/app/acme/infra-prod',
    organization_name: 'acme',
    vcs_repo_url: null,
    vcs_branch: null,
    vcs_pull_request_url: null,
    vcs_commit_url: null,
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
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['x-tfc-task-signature'] = signature;
  return fetch(`${t.baseUrl}${PATH}`, { method: 'POST', headers, body });
}

describe('Terraform run task endpoint, configured', () => {
  const logs = new LogCapture();
  const t = useTestApp({ TERRAFORM_RUN_TASK_HMAC_KEY: HMAC_KEY, LOG_LEVEL: 'info' }, { logDestination: logs.stream });

  it('answers the endpoint verification delivery 200 and creates no request', async () => {
    const body = runTaskBody(TERRAFORM_VERIFICATION_TOKEN);
    const res = await deliver(t, body, sign(body));
    expect(res.status).toBe(200);
    expect(await t.app.db.approvalRequest.count()).toBe(0);
  });

  it('refuses a missing, wrong or foreign-key signature with 401 and writes nothing', async () => {
    const body = runTaskBody(TERRAFORM_VERIFICATION_TOKEN);
    const auditBefore = await t.app.db.auditEvent.count();
    for (const signature of [undefined, 'zz', sign(body, 'another-key-entirely'), sign(`${body} `)]) {
      const res = await deliver(t, body, signature);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    expect(await t.app.db.approvalRequest.count()).toBe(0);
    expect(await t.app.db.auditEvent.count()).toBe(auditBefore);
  });

  it('answers a signed body that is not a run task request 400 with the fields', async () => {
    const body = JSON.stringify({ payload_version: 2 });
    const res = await deliver(t, body, sign(body));
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { code: string; fields: Array<{ path: string }> } }).error;
    expect(error.code).toBe('validation_failed');
    expect(error.fields.map((field) => field.path)).toContain('payload_version');
  });

  it('refuses a real run (gating is not built yet) with 503, creates nothing, and never logs the access token', async () => {
    const token = `secret-${randomBytes(12).toString('hex')}`;
    const body = runTaskBody(token);
    const res = await deliver(t, body, sign(body));
    expect(res.status).toBe(503);
    expect(await t.app.db.approvalRequest.count()).toBe(0);
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logs.lines)).not.toContain(token);
  });
});

describe('Terraform run task endpoint, not configured', () => {
  const t = useTestApp();

  it('answers 503 not_configured even to a signed delivery', async () => {
    const body = runTaskBody(TERRAFORM_VERIFICATION_TOKEN);
    const res = await deliver(t, body, sign(body));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_configured');
  });
});
