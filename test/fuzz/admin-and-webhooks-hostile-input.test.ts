import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../support/database.ts';
import { protectionRuleInput, protectionRuleRequested, workflowRun } from '../support/github-fixtures.ts';
import { hostileString, hostileValue, rawPercent, withKey } from '../support/hostile-values.ts';
import {
  INSTALLATION,
  type IntegrationsApp,
  OWNER,
  REPO,
  runTaskBody,
  startIntegrationsApp,
} from '../support/integrations-app.ts';
import { smallRule } from '../support/rule-documents.ts';

/**
 * The hostile values of api-hostile-input.test.ts sent, correctly signed, to the Terraform and GitHub
 * webhooks, and with an admin key to the rules API, the audit export and the key check: whatever
 * arrives, no answer is a 5xx, and a 4xx changes nothing (no run task, deployment, request or rule
 * row; no rule edited). `FUZZ_RUNS` sets the number of cases (default 200, about a minute: each case
 * reads the database twice); `FUZZ_SEED` replays one.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);

interface Case {
  kind: string;
  send(app: IntegrationsApp): Promise<Response>;
  describe: string;
}

/** Sets `value` at `path` (dot-separated) in a copy of `target`, or removes it when `remove`. */
function setAt(
  target: Record<string, unknown>,
  path: string,
  value: unknown,
  remove: boolean,
): Record<string, unknown> {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (rest.length === 0) {
    if (remove) {
      const { [head]: _gone, ...kept } = target;
      return kept;
    }
    return withKey(target, head, value);
  }
  const inner = (target[head] ?? {}) as Record<string, unknown>;
  return { ...target, [head]: setAt(inner, rest.join('.'), value, remove) };
}

const TERRAFORM_FIELDS = [
  'run_message',
  'workspace_name',
  'organization_name',
  'run_id',
  'run_created_by',
  'task_result_id',
  'vcs_branch',
  'run_app_url',
  'workspace_app_url',
  'vcs_commit_url',
  'vcs_pull_request_url',
  'stage',
  'access_token',
  'payload_version',
  'is_speculative',
] as const;

const terraformCase: fc.Arbitrary<Case> = fc
  .record({ field: fc.constantFrom(...TERRAFORM_FIELDS), value: hostileValue, remove: fc.nat(5).map((n) => n === 0) })
  .map(({ field, value, remove }) => ({
    kind: 'terraform',
    describe: `terraform ${field} ${remove ? '(removed)' : JSON.stringify(value)?.slice(0, 120)}`,
    send: (app) => {
      const body = JSON.parse(runTaskBody(app.terraform)) as Record<string, unknown>;
      return app.runTask(JSON.stringify(setAt(body, field, value, remove)));
    },
  }));

const GITHUB_FIELDS = [
  'environment',
  'event',
  'deployment.ref',
  'deployment.sha',
  'deployment.description',
  'deployment.creator.login',
  'repository.full_name',
  'repository.name',
  'repository.owner.login',
  'repository.html_url',
  'sender.login',
  'deployment_callback_url',
] as const;

let runCounter = 8_800_000_000;

const githubCase: fc.Arbitrary<Case> = fc
  .record({
    field: fc.constantFrom(...GITHUB_FIELDS, 'run.message', 'run.name'),
    value: hostileValue,
    remove: fc.nat(5).map((n) => n === 0),
  })
  .map(({ field, value, remove }) => ({
    kind: 'github',
    describe: `github ${field} ${remove ? '(removed)' : JSON.stringify(value)?.slice(0, 120)}`,
    send: (app) => {
      const input = protectionRuleInput({
        owner: OWNER,
        repo: REPO,
        runId: ++runCounter,
        installationId: INSTALLATION,
      });
      // The workflow run GitHub's API answers carries people's text too: its name and commit message.
      const hostileText = typeof value === 'string' ? value : JSON.stringify(value);
      app.github.runs.set(
        `${OWNER}/${REPO}/${input.runId}`,
        workflowRun({
          ...input,
          name: field === 'run.name' ? hostileText : 'Deploy shop',
          message: field === 'run.message' ? hostileText : 'Fix checkout',
        }),
      );
      const payload = protectionRuleRequested(input) as unknown as Record<string, unknown>;
      const body = field.startsWith('run.') ? payload : setAt(payload, field, value, remove);
      return app.githubDelivery('deployment_protection_rule', JSON.stringify(body));
    },
  }));

const RULE_FIELDS = ['name', 'match.actions', 'match.resources', 'match.environments', 'outcome', 'denyMessage'];

const pathSegment = fc.oneof(
  fc.uuid(),
  fc.constantFrom('%00', 'a%00b', '%ED%A0%80', '%C0%80', '%FF', '%', 'not-a-rule', '..%2F..'),
  hostileString.map((s) => rawPercent(s.slice(0, 60))),
);

/** An admin call: a rule created, patched or deleted, the rules replaced, or the audit exported. */
const adminCase: fc.Arbitrary<Case> = fc.oneof(
  fc
    .record({ field: fc.constantFrom(...RULE_FIELDS), value: hostileValue, remove: fc.boolean() })
    .map(({ field, value, remove }): Case => {
      const rule = setAt(smallRule(`fuzz-${runCounter++}`) as unknown as Record<string, unknown>, field, value, remove);
      return {
        kind: 'rules.create',
        describe: `POST /rules ${JSON.stringify(rule).slice(0, 200)}`,
        send: (app) => admin(app, 'POST', '/api/v1/rules', JSON.stringify(rule)),
      };
    }),
  fc.record({ id: pathSegment, value: hostileValue, del: fc.boolean() }).map(
    ({ id, value, del }): Case => ({
      kind: del ? 'rules.delete' : 'rules.patch',
      describe: `${del ? 'DELETE' : 'PATCH'} /rules/${id}`,
      send: (app) =>
        admin(app, del ? 'DELETE' : 'PATCH', `/api/v1/rules/${id}`, del ? undefined : JSON.stringify({ name: value })),
    }),
  ),
  fc
    .record({ dryRun: hostileString, rules: fc.array(hostileValue, { maxLength: 3 }) })
    .map(({ dryRun, rules }): Case => {
      const query = `dryRun=${rawPercent(dryRun.slice(0, 40))}`;
      return {
        kind: 'rules.replace',
        describe: `PUT /rules?${query}`,
        send: (app) => admin(app, 'PUT', `/api/v1/rules?${query}`, JSON.stringify({ rules })),
      };
    }),
  fc
    .record({
      param: fc.constantFrom('from', 'to', 'format', 'cursor', 'other'),
      value: fc.oneof(
        hostileString,
        fc.constantFrom(
          '0000-01-01',
          '9999-12-31',
          '10000-01-01',
          '1969-12-31T23:59:59Z',
          '+275760-09-13',
          '-000001-01-01',
        ),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
    })
    .map(({ param, value }): Case => {
      const path = `/api/v1/audit?${param}=${rawPercent(value.slice(0, 60))}`;
      return { kind: 'audit', describe: `GET ${path}`, send: (app) => admin(app, 'GET', path) };
    }),
  fc
    .oneof(
      hostileString,
      // What fetch can send in a header: visible Latin-1 (most hostile strings never leave fetch).
      fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
    )
    .map(
      (key): Case => ({
        kind: 'keys',
        describe: `GET /rules with key ${JSON.stringify(key).slice(0, 80)}`,
        send: (app) => fetch(`${app.t.baseUrl}/api/v1/rules`, { headers: { authorization: `Bearer ${key}` } }),
      }),
    ),
);

function admin(app: IntegrationsApp, method: string, path: string, body?: string): Promise<Response> {
  return fetch(`${app.t.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${app.adminKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
}

describe('hostile input to the webhooks and the admin routes', () => {
  let app: IntegrationsApp;
  beforeAll(async () => {
    app = await startIntegrationsApp();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  /** What a refused call must not change: the rows each route writes, and the rules' last edit. */
  const state = async () =>
    (
      await query<Record<string, string | null>>(
        app.t.database.url,
        `SELECT (SELECT count(*) FROM terraform_run_tasks) AS run_tasks,
                (SELECT count(*) FROM github_deployments) AS deployments,
                (SELECT count(*) FROM approval_requests) AS requests,
                (SELECT count(*) FROM routing_rules) AS rules,
                (SELECT max(updated_at)::text FROM routing_rules) AS rules_edited`,
      )
    )[0];

  it(
    `never answers 5xx, and a refused call changes nothing (${RUNS} cases)`,
    async () => {
      const failures: string[] = [];
      const statuses = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fc.oneof(terraformCase, githubCase, adminCase), async (c) => {
          const before = await state();
          let res: Response;
          try {
            res = await c.send(app);
          } catch (error) {
            // fetch refuses some header values and URLs client-side: nothing reached the app.
            if (error instanceof TypeError) return;
            throw error;
          }
          const text = await res.text();
          statuses.set(`${c.kind} ${res.status}`, (statuses.get(`${c.kind} ${res.status}`) ?? 0) + 1);
          if (res.status >= 500) failures.push(`${res.status}: ${c.describe} → ${text.slice(0, 200)}`);
          if (res.status >= 400) {
            const after = await state();
            if (JSON.stringify(after) !== JSON.stringify(before)) {
              failures.push(
                `${res.status} changed ${JSON.stringify(before)} → ${JSON.stringify(after)}: ${c.describe}`,
              );
            }
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
      console.info(
        `fuzz (seed ${SEED}): ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ${failures.length} failures`,
      );
      expect(failures.slice(0, 15), `seed ${SEED}`).toEqual([]);
    },
    120_000 + RUNS * 200,
  );
});
