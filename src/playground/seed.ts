import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobType } from 'bullmq';
import type { Actor } from '../domain/actor.ts';
import { QUEUES } from '../jobs/queues.ts';
import type { JobRuntime } from '../jobs/runtime.ts';
import { createApiClient } from '../services/api-keys/api-keys.ts';
import { clearCaches } from '../services/caches.ts';
import type { CoreDeps } from '../services/ports.ts';
import { NO_WORKFLOW, type TRuleInput } from '../services/routing/rule-schema.ts';
import { createRule } from '../services/routing/rules-store.ts';
import { APPROVALS_CHANNEL, DEMO_ADMINS, DEMO_GROUP, SECURITY_CHANNEL } from './slack-api/workspace.ts';

/** The file under DATA_DIR that keeps the demo API key, so a restart can still show it. */
const KEY_FILE = 'playground-demo-key';
export const DEMO_CLIENT_NAME = 'playground-demo';

const [ANA, OMAR] = DEMO_GROUP.members as [string, string];

function rule(input: Partial<TRuleInput> & Pick<TRuleInput, 'name' | 'actionPatterns'>): TRuleInput {
  return {
    enabled: true,
    resourcePatterns: ['*'],
    environments: [],
    minRisk: null,
    timeCondition: null,
    outcome: 'require_approval',
    denyMessage: null,
    channelId: APPROVALS_CHANNEL.id,
    approvers: [DEMO_GROUP.id],
    requiredApprovals: 1,
    ttlSeconds: null,
    grantSeconds: null,
    requireReason: false,
    ...NO_WORKFLOW,
    ...input,
  };
}

/**
 * The demo rules: one needing two approvals, one in stages, one approved automatically. Requests
 * matching none take the default route (#approvals, the approver group, one approval).
 */
export const DEMO_RULES: readonly TRuleInput[] = [
  rule({
    name: 'Production database changes need two approvals',
    actionPatterns: ['db.*'],
    resourcePatterns: ['prod-*'],
    requiredApprovals: 2,
    requireReason: true,
  }),
  rule({
    name: 'Customer data exports: team lead, then security',
    actionPatterns: ['data.export'],
    approvers: [ANA, OMAR],
    stages: [
      { name: 'Team lead', approvers: [ANA], requiredApprovals: 1 },
      { name: 'Security', approvers: [OMAR], requiredApprovals: 1 },
    ],
    breakGlass: { allowed: true, channelId: SECURITY_CHANNEL.id },
  }),
  rule({
    name: 'Staging deploys are approved automatically',
    actionPatterns: ['deploy'],
    resourcePatterns: ['staging-*'],
    outcome: 'auto_approve',
  }),
];

/** What the page and the startup summary show about the demo key. */
export interface DemoKey {
  /** The key, when this data directory made it (undefined when it was made elsewhere or revoked). */
  secret: string | undefined;
  seeded: boolean;
}

/**
 * Seeds the demo on a database with no rules and no API clients (a first start, or after Reset):
 * the demo rules and a `playground-demo` API key, kept in DATA_DIR so the page can show it again
 * after a restart. Anything else means someone has configured this database: it is left alone.
 */
export async function seedDemo(
  deps: Pick<CoreDeps, 'db' | 'box' | 'apiKeys' | 'caches'>,
  dataDir: string,
): Promise<DemoKey> {
  const keyFile = path.join(dataDir, KEY_FILE);
  const [rules, clients] = await Promise.all([deps.db.routingRule.count(), deps.db.apiClient.count()]);
  if (rules > 0 || clients > 0) {
    const secret = await readFile(keyFile, 'utf8').then(
      (text) => text.trim(),
      () => undefined,
    );
    const known = await deps.db.apiClient.count({ where: { name: DEMO_CLIENT_NAME, revokedAt: null } });
    return { secret: known > 0 ? secret : undefined, seeded: false };
  }
  const actor: Actor = { type: 'user', id: DEMO_ADMINS[0] as string };
  for (const input of DEMO_RULES) await createRule(deps, actor, input);
  const { secret } = await createApiClient(deps, actor, DEMO_CLIENT_NAME, 'request');
  await mkdir(dataDir, { recursive: true });
  await writeFile(keyFile, `${secret}\n`, { mode: 0o600 });
  return { secret, seeded: true };
}

/** Why Reset refuses a database, or undefined: only one the Playground seeded (its demo key exists, even revoked). */
export async function resetRefusal(deps: Pick<CoreDeps, 'db'>): Promise<string | undefined> {
  const demo = await deps.db.apiClient.count({ where: { name: DEMO_CLIENT_NAME } });
  return demo > 0 ? undefined : 'this database was not seeded by the Playground, so Reset leaves it alone';
}

/** The states of a job not started yet. */
const NOT_STARTED: JobType[] = ['waiting', 'delayed', 'prioritized', 'waiting-children'];

/**
 * Removes every job not started yet from the app's queues, but the ones a job scheduler made (the
 * reconciler's next run): after Reset each was owed to a request that no longer exists (its
 * deadline, reminders, grant lapse, a card, a DM, a callback). A job that started meanwhile is
 * locked and stays; it finds no request and does nothing. Returns how many were removed.
 */
export async function removeQueuedJobs(jobs: Pick<JobRuntime, 'queue'>): Promise<number> {
  let removed = 0;
  for (const name of Object.values(QUEUES)) {
    const queue = jobs.queue(name);
    for (const job of await queue.getJobs(NOT_STARTED)) {
      if (job.id === undefined || job.repeatJobKey !== undefined) continue;
      removed += await queue.remove(job.id);
    }
  }
  return removed;
}

/**
 * Reset: empties every table of a database the Playground seeded (requests, votes, rules, API
 * clients, the audit trail) but the migrations' bookkeeping and the grant signing keys, removes the
 * jobs queued for what it deleted, then seeds it again. The audit trail is append-only at the database (a trigger refuses TRUNCATE); the
 * trigger is disabled for this one transaction only, by the owner of the table, and only here.
 */
export async function resetDemo(
  deps: Pick<CoreDeps, 'db' | 'box' | 'apiKeys' | 'caches'> & { jobs: Pick<JobRuntime, 'queue'> },
  dataDir: string,
): Promise<DemoKey> {
  const refusal = await resetRefusal(deps);
  if (refusal !== undefined) throw new Error(refusal);
  await deps.db.$transaction(async (tx) => {
    const tables = await tx.$queryRawUnsafe<Array<{ tablename: string }>>(
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('_prisma_migrations', 'grant_keys')",
    );
    const list = tables.map((t) => `"${t.tablename.replaceAll('"', '""')}"`).join(', ');
    await tx.$executeRawUnsafe('ALTER TABLE "audit_events" DISABLE TRIGGER USER');
    await tx.$executeRawUnsafe(`TRUNCATE ${list} CASCADE`);
    await tx.$executeRawUnsafe('ALTER TABLE "audit_events" ENABLE TRIGGER USER');
  });
  await removeQueuedJobs(deps.jobs);
  await rm(path.join(dataDir, KEY_FILE), { force: true });
  clearCaches(deps.caches);
  await deps.apiKeys.changed();
  return seedDemo(deps, dataDir);
}
