import type { Actor } from '../../domain/actor.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Tx } from '../types.ts';
import { toRuleDocument, ZRuleDocument } from './rule-document.ts';
import { RULE_SELECT, type RuleRow, toRule } from './rule-row.ts';
import type { TRuleInput } from './rule-schema.ts';
import { changing, listRules, lockRuleOrder, ORDER_TX, type RuleDeps, ruleData, ruleSnapshot } from './rules-store.ts';

/** What marks a rule applied from a rules file (`routing_rules.managed_by`). */
export const MANAGED_BY_FILE = 'file';

/** One field of a rule that a replace changes, as the document names it (`match.time.start`, `priority`). */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** What replacing the rules with a list does (or did): rules by name, with their position (1 = first). */
export interface RulesDiff {
  added: Array<{ name: string; priority: number }>;
  changed: Array<{ id: string; name: string; priority: number; changes: FieldChange[] }>;
  removed: Array<{ id: string; name: string; priority: number }>;
  unchanged: Array<{ id: string; name: string; priority: number }>;
}

type Leaves = Map<string, unknown>;

/** A rule's document with every default filled in, flattened to its leaves (lists are one leaf). */
function leavesOf(rule: TRuleInput): Leaves {
  const leaves: Leaves = new Map();
  const walk = (value: unknown, path: string) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, path === '' ? key : `${path}.${key}`);
      return;
    }
    leaves.set(path, value);
  };
  walk(ZRuleDocument.parse(toRuleDocument(rule)), '');
  return leaves;
}

/** The fields whose values differ between two rules. A sub-document appearing or going away is one change. */
function fieldChanges(before: TRuleInput, after: TRuleInput): FieldChange[] {
  const a = leavesOf(before);
  const b = leavesOf(after);
  const changes: FieldChange[] = [];
  for (const field of new Set([...a.keys(), ...b.keys()])) {
    const from = a.has(field) ? a.get(field) : null;
    const to = b.has(field) ? b.get(field) : null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field, before: from, after: to });
  }
  return changes;
}

/** A stored rule's editable content. */
function inputOf(rule: RuleRow): TRuleInput {
  const { id: _id, priority: _priority, managedBy: _managedBy, updatedAt: _updatedAt, ...input } = rule;
  return input;
}

interface Plan {
  diff: RulesDiff;
  /** Each rule of the list at its position, with the stored rule it replaces (null: added). */
  targets: Array<{ input: TRuleInput; current: RuleRow | null; changed: boolean }>;
  removed: RuleRow[];
}

/**
 * Compares the stored rules with the list that is to replace them. Rules are matched by name (the
 * first stored rule of a name, when several share it); one changes when its content, its position
 * or its being managed as code would change.
 */
function plan(current: RuleRow[], desired: TRuleInput[]): Plan {
  const byName = new Map<string, RuleRow>();
  for (const rule of current) if (!byName.has(rule.name)) byName.set(rule.name, rule);
  const position = new Map(current.map((rule, index) => [rule.id, index + 1]));
  const diff: RulesDiff = { added: [], changed: [], removed: [], unchanged: [] };
  const targets: Plan['targets'] = [];
  const kept = new Set<string>();
  for (const [index, input] of desired.entries()) {
    const priority = index + 1;
    const existing = byName.get(input.name) ?? null;
    if (existing === null) {
      diff.added.push({ name: input.name, priority });
      targets.push({ input, current: null, changed: true });
      continue;
    }
    kept.add(existing.id);
    const changes = fieldChanges(inputOf(existing), input);
    const before = position.get(existing.id) ?? 0;
    if (before !== priority) changes.unshift({ field: 'priority', before, after: priority });
    if (existing.managedBy !== MANAGED_BY_FILE) {
      changes.push({ field: 'managedBy', before: existing.managedBy, after: MANAGED_BY_FILE });
    }
    const entry = { id: existing.id, name: existing.name, priority };
    if (changes.length > 0) diff.changed.push({ ...entry, changes });
    else diff.unchanged.push(entry);
    targets.push({ input, current: existing, changed: changes.length > 0 });
  }
  const removed = current.filter((rule) => !kept.has(rule.id));
  diff.removed = removed.map((rule) => ({ id: rule.id, name: rule.name, priority: position.get(rule.id) ?? 0 }));
  return { diff, targets, removed };
}

/** What replacing the stored rules with `desired` (already validated, in order) would do; changes nothing. */
export async function diffRules(tx: Tx, desired: TRuleInput[]): Promise<RulesDiff> {
  return plan(await listRules(tx), desired).diff;
}

/**
 * Replaces every routing rule with `desired` (already validated, in order: the first is tried
 * first), in one transaction: all of it or nothing. Rules are matched by name; the list's rules
 * are marked managed as code (`managed_by = 'file'`) and every other rule is deleted. Each change
 * is audited like an edit in App Home (`rule.created`, `rule.updated` with before and after,
 * `rule.deleted`), then the whole as `rules.applied`. Returns what changed.
 */
export async function applyRules(
  deps: RuleDeps,
  actor: Actor,
  desired: TRuleInput[],
  details: Record<string, unknown> = {},
): Promise<RulesDiff> {
  return changing(
    deps,
    deps.db.$transaction((tx) => writeRules(tx, actor, desired, details), ORDER_TX),
  );
}

/**
 * {@link applyRules} inside the caller's transaction, so a rules file's other parts (its identities)
 * commit with the rules. The caller opens it with {@link ORDER_TX} and clears the rules cache after
 * (`changing`).
 */
export async function writeRules(
  tx: Prisma.TransactionClient,
  actor: Actor,
  desired: TRuleInput[],
  details: Record<string, unknown> = {},
): Promise<RulesDiff> {
  // The same locks as adding and moving rules: nothing else reorders the rules meanwhile.
  await lockRuleOrder(tx);
  await tx.$queryRaw`SELECT id FROM routing_rules FOR UPDATE`;
  const { diff, targets, removed } = plan(await listRules(tx), desired);
  for (const rule of removed) {
    await tx.routingRule.delete({ where: { id: rule.id } });
    await recordAudit(tx, {
      type: 'rule.deleted',
      actor,
      details: { before: ruleSnapshot(rule), after: null, via: 'rules.applied' },
    });
  }
  // Priorities are renumbered 1…n; the unique index on priority is checked at commit.
  for (const [index, { input, current, changed }] of targets.entries()) {
    const priority = index + 1;
    if (current === null) {
      const row = await tx.routingRule.create({
        data: { ...ruleData(input), priority, managedBy: MANAGED_BY_FILE, createdBy: actor.id ?? 'unknown' },
        select: RULE_SELECT,
      });
      await recordAudit(tx, {
        type: 'rule.created',
        actor,
        details: { after: ruleSnapshot(toRule(row)), via: 'rules.applied' },
      });
    } else if (changed) {
      const row = await tx.routingRule.update({
        where: { id: current.id },
        data: { ...ruleData(input), priority, managedBy: MANAGED_BY_FILE },
        select: RULE_SELECT,
      });
      await recordAudit(tx, {
        type: 'rule.updated',
        actor,
        details: { before: ruleSnapshot(current), after: ruleSnapshot(toRule(row)), via: 'rules.applied' },
      });
    } else if (current.priority !== priority) {
      // Same position, only numbered differently (a deleted rule left a gap): not a change.
      await tx.routingRule.update({ where: { id: current.id }, data: { priority } });
    }
  }
  await recordAudit(tx, {
    type: 'rules.applied',
    actor,
    details: {
      ...details,
      added: diff.added.map((rule) => rule.name),
      changed: diff.changed.map((rule) => rule.name),
      removed: diff.removed.map((rule) => rule.name),
      unchanged: diff.unchanged.length,
    },
  });
  return diff;
}
