import { createHmac, randomBytes } from 'node:crypto';
import { GithubDouble } from './github-double.ts';
import type { TestApp } from './harness.ts';
import { REQUESTER, startLifecycleApp } from './lifecycle.ts';
import { TerraformDouble } from './terraform-double.ts';

/** The GitHub App installation the integrations app knows, and its repository. */
export const INSTALLATION = 31_337;
export const OWNER = 'acme';
export const REPO = 'shop';

/** The lifecycle app with an admin key and both integrations on, against a GitHub and a Terraform double. */
export interface IntegrationsApp {
  t: TestApp;
  terraform: TerraformDouble;
  github: GithubDouble;
  adminKey: string;
  /** POSTs `body` to the run task endpoint, signed as HCP Terraform signs it. */
  runTask(body: string): Promise<Response>;
  /** POSTs `body` as GitHub delivers `event`, signed with the webhook secret over the exact bytes. */
  githubDelivery(event: string, body: string | Buffer, signature?: string): Promise<Response>;
  /** `sha256=` and the HMAC GitHub would send for `body`. */
  githubSignature(body: string | Buffer): string;
  close(): Promise<void>;
}

/** Starts {@link IntegrationsApp}; close it in afterAll. */
export async function startIntegrationsApp(): Promise<IntegrationsApp> {
  const hmacKey = `tfc-${randomBytes(16).toString('hex')}`;
  const secret = `gh-${randomBytes(16).toString('hex')}`;
  const adminKey = `admin-${randomBytes(16).toString('hex')}`;
  const terraform = await TerraformDouble.start();
  const github = await GithubDouble.start();
  github.install(INSTALLATION, `${OWNER}/${REPO}`);
  let t: TestApp;
  try {
    t = await startLifecycleApp({
      SERVICE_API_KEYS: `admin:${adminKey}:admin`,
      TERRAFORM_RUN_TASK_HMAC_KEY: hmacKey,
      TERRAFORM_REQUESTERS: `rita=${REQUESTER}`,
      CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
      GITHUB_APP_ID: String(github.appId),
      GITHUB_APP_PRIVATE_KEY: github.privateKeyPem,
      GITHUB_WEBHOOK_SECRET: secret,
      GITHUB_API_URL: github.url,
    });
  } catch (error) {
    await Promise.all([terraform.close(), github.close()]);
    throw error;
  }
  const githubSignature = (body: string | Buffer) =>
    `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return {
    t,
    terraform,
    github,
    adminKey,
    githubSignature,
    runTask: (body) =>
      fetch(`${t.baseUrl}/integrations/terraform/run-task`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-tfc-task-signature': createHmac('sha512', hmacKey).update(body).digest('hex'),
        },
        body,
      }),
    githubDelivery: (event, body, signature) =>
      fetch(`${t.baseUrl}/integrations/github/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': randomBytes(12).toString('hex'),
          'x-hub-signature-256': signature ?? githubSignature(body),
        },
        body,
      }),
    async close() {
      await t.close();
      await Promise.all([terraform.close(), github.close()]);
    },
  };
}

/** A run task request as HCP sends it for a new run, with `overrides` applied, as the JSON text to sign. */
export function runTaskBody(terraform: TerraformDouble, overrides: Record<string, unknown> = {}): string {
  const token = `at-${randomBytes(16).toString('hex')}`;
  const taskResultId = `taskrs-${randomBytes(8).toString('hex')}`;
  const runId = `run-${randomBytes(8).toString('hex')}`;
  return JSON.stringify({
    payload_version: 1,
    access_token: token,
    stage: 'pre_apply',
    task_result_id: taskResultId,
    task_result_callback_url: terraform.callbackUrl(taskResultId, token),
    run_app_url: `https://app.terraform.io/app/acme/infra-prod/runs/${runId}`,
    run_id: runId,
    run_message: 'Grow the database',
    run_created_by: 'rita',
    workspace_name: 'infra-prod',
    workspace_app_url: 'https://app.terraform.io/app/acme/infra-prod',
    organization_name: 'acme',
    vcs_branch: 'main',
    vcs_commit_url: 'https://github.com/acme/infra/commit/5d1b1b6',
    vcs_repo_url: 'https://github.com/acme/infra',
    is_speculative: false,
    ...overrides,
  });
}
