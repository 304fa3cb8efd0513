import { z } from 'zod';
import { ARGUMENT_PATH } from '../../domain/mcp-hints.ts';
import { RISKS } from '../../domain/request-status.ts';
import { storable, ZMcpHints } from '../requests/input.ts';

export const OUTCOMES = ['require_approval', 'auto_approve', 'auto_deny'] as const;
/** What a matching rule does with a request (not to be confused with a request's status). */
export type RuleOutcome = (typeof OUTCOMES)[number];

/** Delays of workflow timers (reminders, escalation) accept anything from 10 seconds up, so trials can use short ones. */
export const MIN_WORKFLOW_DELAY_SECONDS = 10;
const MAX_WORKFLOW_DELAY_SECONDS = 30 * 86400;

const ZDelay = z
  .number()
  .int('must be a whole number of seconds')
  .min(MIN_WORKFLOW_DELAY_SECONDS, `must be at least ${MIN_WORKFLOW_DELAY_SECONDS} seconds`)
  .max(MAX_WORKFLOW_DELAY_SECONDS, 'must be at most 30 days');
const ZApprovers = z
  .array(z.string().regex(/^[UWS][A-Z0-9]{2,}$/, 'must be a Slack user (U…/W…) or user group (S…) id'))
  .max(50);
const ZChannelId = z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel');
const ZQuorum = z.number().int().min(1, 'must be at least 1').max(50);

/** One stage of a sequential chain: its approvers must reach its quorum before the next stage starts. */
export const ZStage = z.object({
  name: storable(z.string()).trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
  approvers: ZApprovers,
  requiredApprovals: ZQuorum,
});
export type Stage = z.infer<typeof ZStage>;

/** A thread reply mentioning the approvers who have not voted, after `afterSeconds` and every `repeatSeconds`. */
export const ZReminder = z.object({ afterSeconds: ZDelay, repeatSeconds: ZDelay.nullable() });
export type Reminder = z.infer<typeof ZReminder>;

/** One escalation level: after `afterSeconds` without a decision, its approvers join the request. */
export const ZEscalationLevel = z.object({
  afterSeconds: ZDelay,
  approvers: ZApprovers,
  channelId: ZChannelId.nullable(),
});
export type EscalationLevel = z.infer<typeof ZEscalationLevel>;

/** Whether the requester may approve their own request at once in an emergency, and where that is announced. */
export const ZBreakGlass = z.object({ allowed: z.boolean(), channelId: ZChannelId.nullable() });
export type BreakGlass = z.infer<typeof ZBreakGlass>;

/** How much an approver's question moves the deadline (once per question). */
export const ZNeedsInfo = z.object({ extendSeconds: ZDelay });
export type NeedsInfo = z.infer<typeof ZNeedsInfo>;

/** A rule's workflow settings, also snapshotted on each request it routes (`approval_requests.workflow`). */
export const ZWorkflow = z.object({
  stages: z.array(ZStage).min(1, 'needs at least one stage').max(10).nullable(),
  reminder: ZReminder.nullable(),
  escalation: z.array(ZEscalationLevel).max(10),
  breakGlass: ZBreakGlass.nullable(),
  needsInfo: ZNeedsInfo.nullable(),
});
export type Workflow = z.infer<typeof ZWorkflow>;

export const NO_WORKFLOW: Workflow = {
  stages: null,
  reminder: null,
  escalation: [],
  breakGlass: null,
  needsInfo: null,
};

/** Built once: zod compiles a schema on its first parse, and this runs for every request read. */
const ZWorkflowSnapshot = ZWorkflow.partial();

/** A request's workflow snapshot; rows written before workflows existed (or by hand) read as none. */
export function workflowOf(value: unknown): Workflow {
  const parsed = ZWorkflowSnapshot.safeParse(value ?? {});
  return parsed.success ? { ...NO_WORKFLOW, ...parsed.data } : NO_WORKFLOW;
}

/** The workflow part of a rule, as snapshotted on each request it routes. */
export function ruleWorkflow(rule: Workflow): Workflow {
  const { stages, reminder, escalation, breakGlass, needsInfo } = rule;
  return { stages, reminder, escalation, breakGlass, needsInfo };
}

const ZGlob = storable(z.string()).trim();

/**
 * A routing rule as stored and as every editor (App Home, the admin API, a rules file) ends up
 * giving it, after the public document (rule-document.ts) is mapped onto it. Every text must be
 * storable (no NUL, no lone surrogate).
 */
export const ZRuleInput = z.object({
  name: storable(z.string()).trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
  enabled: z.boolean(),
  actionPatterns: z.array(ZGlob).min(1, 'needs at least one pattern').max(20),
  resourcePatterns: z.array(ZGlob).min(1, 'needs at least one pattern').max(20),
  environments: z.array(storable(z.string()).trim().min(1).max(100)).max(20),
  minRisk: z.enum(RISKS).nullable(),
  timeCondition: z
    .object({
      mode: z.enum(['inside', 'outside']),
      days: z.array(z.number().int()),
      start: storable(z.string()),
      end: storable(z.string()),
      timeZone: storable(z.string()).trim(),
    })
    .nullable(),
  outcome: z.enum(OUTCOMES),
  denyMessage: storable(z.string()).trim().max(500).nullable(),
  channelId: ZChannelId.nullable(),
  approvers: ZApprovers,
  requiredApprovals: ZQuorum,
  ttlSeconds: z.number().int().positive().nullable(),
  grantSeconds: z
    .number()
    .int()
    .min(60, 'must be at least 60 seconds')
    .max(30 * 86400)
    .nullable(),
  requireReason: z.boolean(),
  /**
   * MCP tool hints the call's tool must have (`{ destructiveHint: true }`); a request that is not an
   * MCP tool call never matches. Optional: an editor that does not show it leaves the stored value.
   */
  annotations: ZMcpHints.refine((hints) => Object.values(hints).some((v) => v !== undefined), {
    error: 'name at least one hint, e.g. { destructiveHint: true }',
  })
    .nullable()
    .optional(),
  /** An argument path whose value becomes the resource (`arguments.repo`); optional like `annotations`. */
  resourceFrom: storable(z.string())
    .regex(ARGUMENT_PATH, 'must be an argument path like arguments.repo or arguments.file.path')
    .nullable()
    .optional(),
  ...ZWorkflow.shape,
});
export type TRuleInput = z.infer<typeof ZRuleInput>;
