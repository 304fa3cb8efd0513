import { z } from 'zod';
import { globProblem, type RuleLike, type TimeCondition, timeConditionProblems } from '../domain/policy.ts';
import { RISKS } from '../domain/request-status.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { expandApprovers } from './approvers.ts';
import { recordAudit } from './audit.ts';
import type { CoreDeps } from './deps.ts';
import type { Actor, Tx } from './types.ts';

export const OUTCOMES = ['require_approval', 'auto_approve', 'auto_deny'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A routing rule as admins edit it. */
export const ZRuleInput = z.object({
  name: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
  enabled: z.boolean(),
  actionPattern: z.string().trim(),
  resourcePattern: z.string().trim(),
  environments: z.array(z.string().trim().min(1).max(100)).max(20),
  minRisk: z.enum(RISKS).nullable(),
  timeCondition: z
    .object({
      mode: z.enum(['inside', 'outside']),
      days: z.array(z.number().int()),
      start: z.string(),
      end: z.string(),
      timeZone: z.string().trim(),
    })
    .nullable(),
  outcome: z.enum(OUTCOMES),
  denyMessage: z.string().trim().max(500).nullable(),
  channelId: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel')
    .nullable(),
  approvers: z.array(z.string().regex(/^[UWS][A-Z0-9]{2,}$/)).max(50),
  requiredApprovals: z.number().int().min(1, 'must be at least 1').max(50),
  ttlSeconds: z.number().int().positive().nullable(),
  grantSeconds: z
    .number()
    .int()
    .min(60, 'must be at least 60 seconds')
    .max(30 * 86400)
    .nullable(),
  requireReason: z.boolean(),
});
export type TRuleInput = z.infer<typeof ZRuleInput>;

export const RULE_SELECT = {
  id: true,
  name: true,
  priority: true,
  enabled: true,
  actionPattern: true,
  resourcePattern: true,
  environments: true,
  minRisk: true,
  timeCondition: true,
  outcome: true,
  denyMessage: true,
  channelId: true,
  approvers: true,
  requiredApprovals: true,
  ttlSeconds: true,
  grantSeconds: true,
  requireReason: true,
  updatedAt: true,
} satisfies Prisma.RoutingRuleSelect;

export type RuleRow = Omit<Prisma.RoutingRuleGetPayload<{ select: typeof RULE_SELECT }>, 'timeCondition'> & {
  timeCondition: TimeCondition | null;
};

function toRule(row: Prisma.RoutingRuleGetPayload<{ select: typeof RULE_SELECT }>): RuleRow {
  return { ...row, timeCondition: (row.timeCondition as TimeCondition | null) ?? null };
}

const CACHE_MS = 2000;
let cached: { rules: RuleRow[]; at: number } | undefined;

/**
 * Rules for routing, cached for two seconds: every request is routed, rules change rarely. A change
 * made on this instance is seen at once; one made on another instance within two seconds.
 */
export async function listRulesForRouting(tx: Tx): Promise<RuleRow[]> {
  if (cached !== undefined && Date.now() - cached.at < CACHE_MS) return cached.rules;
  const rules = await listRules(tx);
  cached = { rules, at: Date.now() };
  return rules;
}

/** Runs a rule change and drops the routing cache once it has committed. */
async function changing<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } finally {
    cached = undefined;
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

export function asRuleLike(rule: RuleRow): RuleLike {
  return { ...rule, minRisk: rule.minRisk ?? null };
}

/**
 * Every problem with a rule, per field: bad globs, an unknown time zone, no approvers, more
 * required approvals than approvers (user groups counted by their members), no channel.
 */
export async function ruleProblems(
  deps: Pick<CoreDeps, 'slack' | 'now' | 'config'>,
  input: TRuleInput,
): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  const action = globProblem(input.actionPattern);
  if (action) problems.push({ path: 'actionPattern', message: `Action pattern ${action}` });
  const resource = globProblem(input.resourcePattern);
  if (resource) problems.push({ path: 'resourcePattern', message: `Resource pattern ${resource}` });
  if (input.timeCondition !== null) {
    for (const problem of timeConditionProblems(input.timeCondition)) {
      problems.push({ path: `timeCondition.${problem.field}`, message: problem.message });
    }
  }
  if (input.outcome === 'require_approval') {
    if (input.approvers.length === 0) {
      problems.push({ path: 'approvers', message: 'Pick at least one approver or user group' });
    } else {
      let count = input.approvers.length;
      try {
        count = (await expandApprovers(deps, input.approvers)).length;
      } catch (error) {
        problems.push({ path: 'approvers', message: error instanceof Error ? error.message : String(error) });
      }
      if (input.requiredApprovals > count) {
        problems.push({
          path: 'requiredApprovals',
          message: `Needs ${input.requiredApprovals} approvals but the approvers are only ${count} people`,
        });
      }
    }
    if (input.channelId === null && deps.config.APPROVAL_CHANNEL === undefined) {
      problems.push({ path: 'channelId', message: 'Pick the channel where cards are posted' });
    }
    if (
      input.ttlSeconds !== null &&
      (input.ttlSeconds < deps.config.MIN_TTL_SECONDS || input.ttlSeconds > deps.config.MAX_TTL_SECONDS)
    ) {
      problems.push({
        path: 'ttlSeconds',
        message: `Must be between ${deps.config.MIN_TTL_SECONDS} and ${deps.config.MAX_TTL_SECONDS} seconds`,
      });
    }
  }
  return problems;
}

function data(input: TRuleInput) {
  return {
    ...input,
    timeCondition: (input.timeCondition ?? undefined) as Prisma.InputJsonValue | undefined,
  };
}

function snapshot(rule: RuleRow | null) {
  if (rule === null) return null;
  const { updatedAt: _updatedAt, ...rest } = rule;
  return rest;
}

async function getRule(tx: Tx, id: string): Promise<RuleRow | null> {
  const row = await tx.routingRule.findUnique({ where: { id }, select: RULE_SELECT });
  return row === null ? null : toRule(row);
}

/** Adds a rule at the end of the list; audited with its content. */
export async function createRule(deps: Pick<CoreDeps, 'db'>, actor: Actor, input: TRuleInput): Promise<RuleRow> {
  return changing(
    deps.db.$transaction(async (tx) => {
      const last = await tx.routingRule.aggregate({ _max: { priority: true } });
      const row = await tx.routingRule.create({
        data: { ...data(input), priority: (last._max.priority ?? 0) + 1, createdBy: actor.id ?? 'unknown' },
        select: RULE_SELECT,
      });
      const rule = toRule(row);
      await recordAudit(tx, { type: 'rule.created', actor, details: { after: snapshot(rule) } });
      return rule;
    }),
  );
}

/**
 * Replaces a rule's content; audited with before and after. With `expectedUpdatedAt` (when the
 * editor was opened), a rule changed by someone else since is refused instead of overwritten.
 */
export async function updateRule(
  deps: Pick<CoreDeps, 'db'>,
  actor: Actor,
  id: string,
  input: TRuleInput,
  expectedUpdatedAt?: string | null,
): Promise<RuleRow> {
  return changing(
    deps.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM routing_rules WHERE id = ${id}::uuid FOR UPDATE`;
      const before = await getRule(tx, id);
      if (before === null) throw new AppError('not_found', 'this rule no longer exists');
      if (expectedUpdatedAt && before.updatedAt.toISOString() !== expectedUpdatedAt) {
        throw new AppError(
          'conflict',
          'Someone changed this rule since you opened it: close this form and edit again.',
        );
      }
      const row = await tx.routingRule.update({ where: { id }, data: data(input), select: RULE_SELECT });
      const after = toRule(row);
      await recordAudit(tx, {
        type: 'rule.updated',
        actor,
        details: { before: snapshot(before), after: snapshot(after) },
      });
      return after;
    }),
  );
}

export async function deleteRule(deps: Pick<CoreDeps, 'db'>, actor: Actor, id: string): Promise<void> {
  await changing(
    deps.db.$transaction(async (tx) => {
      const before = await getRule(tx, id);
      if (before === null) throw new AppError('not_found', 'this rule no longer exists');
      await tx.routingRule.delete({ where: { id } });
      await recordAudit(tx, { type: 'rule.deleted', actor, details: { before: snapshot(before), after: null } });
    }),
  );
}

export async function setRuleEnabled(
  deps: Pick<CoreDeps, 'db'>,
  actor: Actor,
  id: string,
  enabled: boolean,
): Promise<void> {
  await changing(
    deps.db.$transaction(async (tx) => {
      const before = await getRule(tx, id);
      if (before === null) throw new AppError('not_found', 'this rule no longer exists');
      await tx.routingRule.update({ where: { id }, data: { enabled } });
      await recordAudit(tx, {
        type: enabled ? 'rule.enabled' : 'rule.disabled',
        actor,
        details: { before: snapshot(before), after: snapshot({ ...before, enabled }) },
      });
    }),
  );
}

/** Swaps a rule with its neighbour above or below; a no-op at either end. */
export async function moveRule(
  deps: Pick<CoreDeps, 'db'>,
  actor: Actor,
  id: string,
  direction: 'up' | 'down',
): Promise<void> {
  await changing(
    deps.db.$transaction(async (tx) => {
      // Rules are few; lock them all so two admins moving rules at once cannot interleave.
      await tx.$queryRaw`SELECT id FROM routing_rules FOR UPDATE`;
      const rules = await listRules(tx);
      const index = rules.findIndex((rule) => rule.id === id);
      if (index < 0) throw new AppError('not_found', 'this rule no longer exists');
      const other = rules[direction === 'up' ? index - 1 : index + 1];
      const rule = rules[index] as RuleRow;
      if (other === undefined) return;
      // Renumber densely so equal priorities never make the order ambiguous.
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
    }),
  );
}
