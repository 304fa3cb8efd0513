import type { McpHints } from '../../domain/mcp-hints.ts';
import type { TimeCondition } from '../../domain/policy.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { type Workflow, workflowOf } from './rule-schema.ts';

/** The columns a rule is read with, everywhere. */
export const RULE_SELECT = {
  id: true,
  name: true,
  priority: true,
  enabled: true,
  actionPatterns: true,
  resourcePatterns: true,
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
  annotations: true,
  resourceFrom: true,
  stages: true,
  reminder: true,
  escalation: true,
  breakGlass: true,
  needsInfo: true,
  managedBy: true,
  updatedAt: true,
} satisfies Prisma.RoutingRuleSelect;

type StoredRule = Prisma.RoutingRuleGetPayload<{ select: typeof RULE_SELECT }>;

/** A routing rule as services see it: its JSON columns parsed into the workflow and time condition. */
export type RuleRow = Omit<StoredRule, 'timeCondition' | 'annotations' | 'resourceFrom' | keyof Workflow> &
  Workflow & {
    timeCondition: TimeCondition | null;
    /** Optional like in the rule input (rule-schema.ts): rows read from the table always carry them. */
    annotations?: McpHints | null | undefined;
    resourceFrom?: string | null | undefined;
  };

/** Parses a stored rule's JSON columns. */
export function toRule(row: StoredRule): RuleRow {
  return {
    ...row,
    timeCondition: (row.timeCondition as TimeCondition | null) ?? null,
    annotations: (row.annotations as McpHints | null) ?? null,
    ...workflowOf({
      stages: row.stages,
      reminder: row.reminder,
      escalation: row.escalation,
      breakGlass: row.breakGlass,
      needsInfo: row.needsInfo,
    }),
  };
}
