import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TERRAFORM_VERIFICATION_TOKEN } from '../../../src/http/integrations/terraform.ts';
import { GithubDouble, signGithubWebhook } from '../../support/github-double.ts';
import type { TestApp } from '../../support/harness.ts';
import { startLifecycleApp } from '../../support/lifecycle.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const GITHUB_SECRET = `gh-${randomBytes(16).toString('hex')}`;
const HMAC_KEY = `tfc-${randomBytes(16).toString('hex')}`;

let github: GithubDouble;

/** The app with both integrations on, 3 failed authentications and 3 signed deliveries a minute per address. */
async function startWithIntegrations(env: Record<string, string>, options: Parameters<typeof startLifecycleApp>[1]) {
  github = await GithubDouble.start();
  let started: TestApp;
  try {
    started = await startLifecycleApp(
      {
        ...env,
        GITHUB_APP_ID: String(github.appId),
        GITHUB_APP_PRIVATE_KEY: github.privateKeyPem,
        GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
        GITHUB_API_URL: github.url,
        TERRAFORM_RUN_TASK_HMAC_KEY: HMAC_KEY,
        RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3',
        RATE_LIMIT_WEBHOOKS_PER_MINUTE: '3',
        // Each case below is a client of its own, named by a proxy on loopback.
        TRUST_PROXY: 'loopback',
      },
      options,
    );
  } catch (error) {
    await github.close();
    throw error;
  }
  return {
    ...started,
    async close() {
      await started.close();
      await github.close();
    },
  };
}

const t = useTestApp({}, { start: startWithIntegrations });

type Deliver = (from: string, signed: boolean) => Promise<Response>;

/** A GitHub `ping` (answered without any work once signed), signed or with a wrong signature. */
const githubPing: Deliver = (from, signed) => {
  const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
  return fetch(`${t.baseUrl}/integrations/github/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': from,
      'x-github-event': 'ping',
      'x-github-delivery': crypto.randomUUID(),
      'x-hub-signature-256': signGithubWebhook(signed ? GITHUB_SECRET : 'a-guessed-secret', body),
    },
    body,
  });
};

/** Terraform's endpoint verification delivery (answered without any work once signed). */
const terraformVerification: Deliver = (from, signed) => {
  const body = JSON.stringify({
    payload_version: 1,
    access_token: TERRAFORM_VERIFICATION_TOKEN,
    stage: 'test',
    task_result_id: `taskrs-${randomBytes(8).toString('hex')}`,
    task_result_callback_url: 'https://app.terraform.io/api/v2/task-results/taskrs-1/callback',
  });
  const signature = createHmac('sha512', signed ? HMAC_KEY : 'a-guessed-key')
    .update(body)
    .digest('hex');
  return fetch(`${t.baseUrl}/integrations/terraform/run-task`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from, 'x-tfc-task-signature': signature },
    body,
  });
};

async function statuses(deliver: Deliver, from: string, signed: boolean, count: number): Promise<number[]> {
  const answers: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const res = await deliver(from, signed);
    await res.arrayBuffer();
    if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    answers.push(res.status);
  }
  return answers;
}

describe.each([
  ['GitHub', githubPing, '198.51.100'],
  ['Terraform', terraformVerification, '203.0.113'],
] as const)('the %s endpoint', (_name, deliver, net) => {
  it('answers forged signatures 429 past the failure limit, and still takes signed deliveries from that address', async () => {
    const from = `${net}.10`;
    expect(await statuses(deliver, from, false, 5)).toEqual([401, 401, 401, 429, 429]);
    expect(await statuses(deliver, from, true, 1)).toEqual([200]);
  });

  it('answers signed deliveries 429 past the per-address budget, not another address’s', async () => {
    const from = `${net}.20`;
    expect(await statuses(deliver, from, true, 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses(deliver, `${net}.21`, true, 1)).toEqual([200]);
  });
});

describe('failed authentications across surfaces', () => {
  it('counts a forged webhook signature like a wrong API key: the address is shut out of both', async () => {
    const from = '192.0.2.30';
    expect(await statuses(githubPing, from, false, 3)).toEqual([401, 401, 401]);
    const api = await fetch(`${t.baseUrl}/api/v1/requests/${crypto.randomUUID()}`, {
      headers: { authorization: 'Bearer not-a-key-000000000000000000', 'x-forwarded-for': from },
    });
    expect(api.status).toBe(429);
    expect(await statuses(terraformVerification, from, false, 1)).toEqual([429]);
  });
});
