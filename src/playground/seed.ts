import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobType } from 'bullmq';
import type { Actor } from '../domain/actor.ts';
import { QUEUES } from '../jobs/queues.ts';
import type { JobRuntime } from '../jobs/runtime.ts';
import { createApiClient } from '../services/api-keys/api-keys.ts';
import { recordAudit } from '../services/audit/audit.ts';
import { clearCaches } from '../services/caches.ts';
import type { CoreDeps } from '../services/ports.ts';
import { NO_WORKFLOW, type TRuleInput } from '../services/routing/rule-schema.ts';
import { createRule } from '../services/routing/rules-store.ts';
import type { Tx } from '../services/types.ts';
import { APPROVALS_CHANNEL, DEMO_ADMINS, DEMO_GROUP, DEMO_PEOPLE, SECURITY_CHANNEL } from './slack-api/workspace.ts';

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
 * The audit event that marks a database as the Playground's own. Only {@link seedDemo} writes it, and
 * only on a database that holds nothing yet: no admin screen, API call or rule can write an audit
 * event of a chosen type (an API key's name, the round-1 marker, can be chosen by any admin).
 */
export const PLAYGROUND_SEEDED = 'playground.seeded';

/** The tables that hold what people made: all but the migrations' bookkeeping and the grant signing keys. */
async function dataTables(tx: Tx): Promise<string[]> {
  const tables = await tx.$queryRawUnsafe<Array<{ tablename: string }>>(
    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('_prisma_migrations', 'grant_keys')",
  );
  return tables.map((t) => t.tablename);
}

const quoted = (table: string) => `"${table.replaceAll('"', '""')}"`;

/**
 * Whether anything was ever made in this database: a row in any data table, but the API keys that
 * SERVICE_API_KEYS synced at this very start (configuration, not data).
 */
async function holdsData(tx: Tx): Promise<boolean> {
  const tables = await dataTables(tx);
  if (tables.length === 0) return false;
  const probes = tables.map((table) =>
    table === 'api_clients'
      ? `EXISTS (SELECT 1 FROM ${quoted(table)} WHERE origin <> 'env')`
      : `EXISTS (SELECT 1 FROM ${quoted(table)})`,
  );
  const [row] = await tx.$queryRawUnsafe<Array<{ used: boolean }>>(`SELECT ${probes.join(' OR ')} AS used`);
  return row?.used === true;
}

/**
 * Whether the Playground seeded this database (its marker event is in the audit trail) and only the
 * Playground has used it since: a person who is not one of the demo people in the audit trail means a
 * real workspace has served it (the Playground's page acts only as demo people), and its data is real.
 */
async function seededByPlayground(tx: Tx): Promise<boolean> {
  const marked = await tx.auditEvent.count({ where: { type: PLAYGROUND_SEEDED, requestId: null } });
  if (marked === 0) return false;
  const real = await tx.auditEvent.findFirst({
    where: { actorType: 'user', actorId: { notIn: DEMO_PEOPLE.map((person) => person.id) } },
    select: { id: true },
  });
  return real === null;
}

/** Why the Playground will not serve a database it did not make: it authenticates nobody and makes its demo people admins. */
export const FOREIGN_DATABASE =
  'this database holds data the Playground did not make (requests, rules, API keys or audit events): the Playground ' +
  'authenticates nobody and makes its demo people admins, so it serves only a database it seeded itself. Configure ' +
  'Slack (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, or SLACK_APP_TOKEN) to serve this database, or point ' +
  'DATABASE_URL at an empty database (or unset it) to try the Playground';

/**
 * Seeds the demo on a database that holds nothing yet (a first start, or after Reset): the marker
 * event {@link PLAYGROUND_SEEDED} first, then the demo rules and a `playground-demo` API key, kept in
 * DATA_DIR so the page can show it again after a restart. A database the Playground seeded before is
 * left as it is. Any other database is refused (throws, so the service does not start): the Playground
 * would hand its admin screens and approvals to whoever reaches the page.
 */
export async function seedDemo(
  deps: Pick<CoreDeps, 'db' | 'box' | 'apiKeys' | 'caches'>,
  dataDir: string,
): Promise<DemoKey> {
  const keyFile = path.join(dataDir, KEY_FILE);
  if (await seededByPlayground(deps.db)) {
    const secret = await readFile(keyFile, 'utf8').then(
      (text) => text.trim(),
      () => undefined,
    );
    const known = await deps.db.apiClient.count({ where: { name: DEMO_CLIENT_NAME, revokedAt: null } });
    return { secret: known > 0 ? secret : undefined, seeded: false };
  }
  if (await holdsData(deps.db)) throw new Error(FOREIGN_DATABASE);
  const actor: Actor = { type: 'user', id: DEMO_ADMINS[0] as string };
  // The marker first: a start that fails half-way through the seed still leaves a database Reset may clear.
  await deps.db.$transaction((tx) => recordAudit(tx, { type: PLAYGROUND_SEEDED, actor, details: {} }));
  for (const input of DEMO_RULES) await createRule(deps, actor, input);
  const { secret } = await createApiClient(deps, actor, DEMO_CLIENT_NAME, 'request');
  await mkdir(dataDir, { recursive: true });
  await writeFile(keyFile, `${secret}\n`, { mode: 0o600 });
  return { secret, seeded: true };
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
 * trigger is disabled for this one transaction only, by the owner of the table, only here, and only
 * after the same transaction found the Playground's marker (any other database is refused).
 */
export async function resetDemo(
  deps: Pick<CoreDeps, 'db' | 'box' | 'apiKeys' | 'caches'> & { jobs: Pick<JobRuntime, 'queue'> },
  dataDir: string,
): Promise<DemoKey> {
  await deps.db.$transaction(async (tx) => {
    if (!(await seededByPlayground(tx))) {
      throw new Error('this database was not seeded by the Playground, so Reset leaves it alone');
    }
    const list = (await dataTables(tx)).map(quoted).join(', ');
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
