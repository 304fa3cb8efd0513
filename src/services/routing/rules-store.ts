import type { Actor } from '../../domain/actor.ts';
import { isUuid } from '../../domain/uuid.ts';
import { AppError } from '../../errors.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';
import type { Tx } from '../types.ts';
import { RULE_SELECT, type RuleRow, toRule } from './rule-row.ts';
import type { TRuleInput } from './rule-schema.ts';

export type RuleDeps = Pick<CoreDeps, 'db' | 'caches'>;

/**
 * Rules for routing, from the rules cache: a change made on this instance is seen at once; one
 * made on another instance within the cache's two seconds.
 */
export async function listRulesForRouting(deps: RuleDeps): Promise<RuleRow[]> {
  const hit = deps.caches.rules.get('all');
  if (hit !== undefined) return hit;
  const rules = await listRules(deps.db);
  deps.caches.rules.set('all', rules);
  return rules;
}

/** Why App Home refuses to change a rule applied from a rules file. */
export const MANAGED_TEXT =
  'This rule is managed as code (applied from a rules file): change the file, or press “Detach from file” first.';

/** How an editor changes rules: App Home leaves rules managed as code alone; the admin API may change them. */
export interface EditOptions {
  refuseManaged?: boolean;
}

function refuseIfManaged(rule: RuleRow, options: EditOptions): void {
  if (options.refuseManaged && rule.managedBy !== null) throw new AppError('conflict', MANAGED_TEXT);
}

/** Runs a rule change and drops the routing cache once it has committed. */
export async function changing<T>(deps: RuleDeps, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } finally {
    deps.caches.rules.clear();
  }
}

/** Rules in priority order (first match wins). */
export async function listRules(tx: Tx): Promise<RuleRow[]> {
  const rows = await tx.routingRule.findMany({
    select: RULE_SELECT,
    orderBy: [{ priority: 'asc' }, { createdAt: 'asc' }],
  });
  return rows.map(toRule);
}

/** JSON columns: null stores SQL NULL (Prisma.DbNull), not a JSON null. */
function json(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null || value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

/** A rule input as the row's columns. */
export function ruleData(input: TRuleInput) {
  return {
    ...input,
    timeCondition: json(input.timeCondition),
    // Left out (undefined): an editor that does not show it keeps the stored value.
    annotations: input.annotations === undefined ? undefined : json(input.annotations),
    stages: json(input.stages),
    reminder: json(input.reminder),
    escalation: input.escalation as Prisma.InputJsonValue,
    breakGlass: json(input.breakGlass),
    needsInfo: json(input.needsInfo),
  };
}

/** A rule as audit events record it (before/after). */
export function ruleSnapshot(rule: RuleRow | null) {
  if (rule === null) return null;
  const { updatedAt: _updatedAt, ...rest } = rule;
  return rest;
}

/** One rule, or null. */
export async function getRule(tx: Tx, id: string): Promise<RuleRow | null> {
  if (!isUuid(id)) return null;
  const row = await tx.routingRule.findUnique({ where: { id }, select: RULE_SELECT });
  return row === null ? null : toRule(row);
}

/** Advisory lock key for the order of the rules: 'rules' in ASCII. */
const RULE_ORDER_LOCK = 0x72756c6573;

/**
 * Serializes changes to the rules' order (adding, moving) until the transaction ends. Row locks
 * cannot do it: a rule being added has no row yet, so two adds would both read the same last
 * priority. The unique index on priority would refuse the second; the lock makes it wait instead.
 */
export async function lockRuleOrder(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${RULE_ORDER_LOCK}::bigint)`;
}

/**
 * Changes to the order queue behind one another on that lock, each holding a pooled connection while
 * it waits: a burst may exceed Prisma's defaults (2 s to get a connection, 5 s in all), so they may
 * wait longer rather than fail.
 */
export const ORDER_TX = { maxWait: 10_000, timeout: 15_000 };

/**
 * Locks one rule's row for a change and reads it: a rule deleted meanwhile is `not_found`, and one
 * managed as code is refused when the caller asks (`refuseManaged`).
 */
async function lockRule(tx: Tx, id: string, options: EditOptions): Promise<RuleRow> {
  await tx.$queryRaw`SELECT id FROM routing_rules WHERE id = ${id}::uuid FOR UPDATE`;
  const rule = await getRule(tx, id);
  if (rule === null) throw new AppError('not_found', 'this rule no longer exists');
  refuseIfManaged(rule, options);
  return rule;
}

/** Adds a rule at the end of the list; audited with its content. */
export async function createRule(
  deps: RuleDeps,
  actor: Actor,
  input: TRuleInput,
  managedBy: string | null = null,
): Promise<RuleRow> {
  return changing(
    deps,
    deps.db.$transaction(async (tx) => {
      await lockRuleOrder(tx);
      const last = await tx.routingRule.aggregate({ _max: { priority: true } });
      const row = await tx.routingRule.create({
        data: {
          ...ruleData(input),
          priority: (last._max.priority ?? 0) + 1,
          managedBy,
          createdBy: actor.id ?? 'unknown',
        },
        select: RULE_SELECT,
      });
      const rule = toRule(row);
      await recordAudit(tx, { type: 'rule.created', actor, details: { after: ruleSnapshot(rule) } });
      return rule;
    }, ORDER_TX),
  );
}

/**
 * Replaces a rule's content; audited with before and after. With `expectedUpdatedAt` (when the
 * editor was opened), a rule changed by someone else since is refused instead of overwritten.
 */
export async function updateRule(
  deps: RuleDeps,
  actor: Actor,
  id: string,
  input: TRuleInput,
  expectedUpdatedAt?: string | null,
  options: EditOptions = {},
): Promise<RuleRow> {
  return changing(
    deps,
    deps.db.$transaction(async (tx) => {
      const before = await lockRule(tx, id, options);
      if (expectedUpdatedAt && before.updatedAt.toISOString() !== expectedUpdatedAt) {
        throw new AppError(
          'conflict',
          'Someone changed this rule since you opened it: close this form and edit again.',
        );
      }
      const row = await tx.routingRule.update({ where: { id }, data: ruleData(input), select: RULE_SELECT });
      const after = toRule(row);
      await recordAudit(tx, {
        type: 'rule.updated',
        actor,
        details: { before: ruleSnapshot(before), after: ruleSnapshot(after) },
      });
      return after;
    }),
  );
}

export async function deleteRule(deps: RuleDeps, actor: Actor, id: string, options: EditOptions = {}): Promise<void> {
  await changing(
    deps,
    deps.db.$transaction(async (tx) => {
      const before = await lockRule(tx, id, options);
      await tx.routingRule.delete({ where: { id } });
      await recordAudit(tx, { type: 'rule.deleted', actor, details: { before: ruleSnapshot(before), after: null } });
    }),
  );
}

export async function setRuleEnabled(
  deps: RuleDeps,
  actor: Actor,
  id: string,
  enabled: boolean,
  options: EditOptions = {},
): Promise<void> {
  await changing(
    deps,
    deps.db.$transaction(async (tx) => {
      const before = await lockRule(tx, id, options);
      await tx.routingRule.update({ where: { id }, data: { enabled } });
      await recordAudit(tx, {
        type: enabled ? 'rule.enabled' : 'rule.disabled',
        actor,
        details: { before: ruleSnapshot(before), after: ruleSnapshot({ ...before, enabled }) },
      });
    }),
  );
}

/** Swaps a rule with its neighbour above or below; a no-op at either end. */
export async function moveRule(
  deps: RuleDeps,
  actor: Actor,
  id: string,
  direction: 'up' | 'down',
  options: EditOptions = {},
): Promise<void> {
  await changing(
    deps,
    deps.db.$transaction(async (tx) => {
      // Rules are few; lock the order and every rule so two admins moving rules at once cannot interleave.
      await lockRuleOrder(tx);
      await tx.$queryRaw`SELECT id FROM routing_rules FOR UPDATE`;
      const rules = await listRules(tx);
      const index = rules.findIndex((rule) => rule.id === id);
      if (index < 0) throw new AppError('not_found', 'this rule no longer exists');
      const other = rules[direction === 'up' ? index - 1 : index + 1];
      const rule = rules[index] as RuleRow;
      refuseIfManaged(rule, options);
      if (other === undefined) return;
      // Swapping would move the other rule too: a rule managed as code keeps the file's order.
      if (options.refuseManaged && other.managedBy !== null) {
        throw new AppError(
          'conflict',
          `“${other.name}”, which this rule would swap places with, is managed as code: reorder in the rules file.`,
        );
      }
      // Renumber densely; the unique index on priority is checked at commit, so the rows pass through
      // duplicates on the way.
      const order = rules.map((r) => r.id);
      order[index] = other.id;
      order[direction === 'up' ? index - 1 : index + 1] = rule.id;
      for (const [position, ruleId] of order.entries()) {
        await tx.routingRule.update({ where: { id: ruleId }, data: { priority: position + 1 } });
      }
      await recordAudit(tx, {
        type: 'rule.moved',
        actor,
        details: {
          rule: rule.name,
          direction,
          before: rules.map((r) => r.name),
          after: order.map((o) => rules.find((r) => r.id === o)?.name),
        },
      });
    }, ORDER_TX),
  );
}

/**
 * "Detach from file": the rule stops being managed as code (App Home may edit it again; the next
 * rules file applied still replaces or removes it). Audited as `rule.detached` with before and after.
 */
export async function detachRule(deps: RuleDeps, actor: Actor, id: string): Promise<void> {
  await changing(
    deps,
    deps.db.$transaction(async (tx) => {
      const before = await getRule(tx, id);
      if (before === null) throw new AppError('not_found', 'this rule no longer exists');
      if (before.managedBy === null) return;
      await tx.routingRule.update({ where: { id }, data: { managedBy: null } });
      await recordAudit(tx, {
        type: 'rule.detached',
        actor,
        details: { before: ruleSnapshot(before), after: ruleSnapshot({ ...before, managedBy: null }) },
      });
    }),
  );
}
