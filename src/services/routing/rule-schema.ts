import { z } from 'zod';
import { globProblem, timeConditionProblems } from '../../domain/policy.ts';
import { RISKS } from '../../domain/request-status.ts';
import type { FieldError } from '../../errors.ts';
import type { CoreDeps } from '../ports.ts';
import { storable } from '../requests/input.ts';
import { expandApprovers } from './approvers.ts';

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
  ...ZWorkflow.shape,
});
export type TRuleInput = z.infer<typeof ZRuleInput>;

/**
 * Every problem with a rule, per field: bad globs, an unknown time zone, no approvers, more
 * required approvals than approvers (user groups counted by their members), no channel.
 */
export async function ruleProblems(
  deps: Pick<CoreDeps, 'slack' | 'config' | 'caches'>,
  input: TRuleInput,
): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  for (const [index, pattern] of input.actionPatterns.entries()) {
    const action = globProblem(pattern);
    if (action) problems.push({ path: `actionPatterns.${index}`, message: `Action pattern ${action}` });
  }
  for (const [index, pattern] of input.resourcePatterns.entries()) {
    const resource = globProblem(pattern);
    if (resource) problems.push({ path: `resourcePatterns.${index}`, message: `Resource pattern ${resource}` });
  }
  if (input.timeCondition !== null) {
    for (const problem of timeConditionProblems(input.timeCondition)) {
      problems.push({ path: `timeCondition.${problem.field}`, message: problem.message });
    }
  }
  if (input.outcome === 'require_approval' && input.stages !== null) {
    problems.push(...(await stageProblems(deps, input.stages)));
  } else if (input.outcome === 'require_approval') {
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
  }
  if (input.outcome === 'require_approval') {
    problems.push(...(await escalationProblems(deps, input.escalation)));
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

/** The people behind approvers (groups expanded); a group Slack cannot expand is reported and counted as itself. */
async function expandPeople(
  deps: Pick<CoreDeps, 'slack' | 'caches'>,
  path: string,
  approvers: readonly string[],
  problems: FieldError[],
): Promise<string[]> {
  try {
    return await expandApprovers(deps, approvers);
  } catch (error) {
    problems.push({ path, message: error instanceof Error ? error.message : String(error) });
    return [...approvers];
  }
}

/**
 * Each stage needs approvers enough for its quorum. One person counts in at most one stage (the
 * first where they vote), so a stage's quorum must be reachable by people not already in an earlier
 * stage: otherwise the chain could stall there with everyone having voted.
 */
async function stageProblems(
  deps: Pick<CoreDeps, 'slack' | 'caches'>,
  stages: readonly Stage[],
): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  const names = new Set<string>();
  const earlier = new Set<string>();
  for (const [index, stage] of stages.entries()) {
    const path = `stages.${index}`;
    if (names.has(stage.name.toLowerCase())) {
      problems.push({ path: `${path}.name`, message: `Another stage is already called “${stage.name}”` });
    }
    names.add(stage.name.toLowerCase());
    if (stage.approvers.length === 0) {
      problems.push({ path: `${path}.approvers`, message: 'Pick at least one approver or user group' });
      continue;
    }
    const people = await expandPeople(deps, `${path}.approvers`, stage.approvers, problems);
    const fresh = people.filter((id) => !earlier.has(id));
    if (stage.requiredApprovals > people.length) {
      problems.push({
        path: `${path}.requiredApprovals`,
        message: `Needs ${stage.requiredApprovals} approvals but the stage's approvers are only ${people.length} people`,
      });
    } else if (stage.requiredApprovals > fresh.length) {
      problems.push({
        path: `${path}.approvers`,
        message: `Needs ${stage.requiredApprovals} approvals but only ${fresh.length} of its approvers are not in an earlier stage (one person counts in one stage only)`,
      });
    }
    for (const id of people) earlier.add(id);
  }
  return problems;
}

/** Escalation levels come in order of their delay, each with someone to add. */
async function escalationProblems(
  deps: Pick<CoreDeps, 'slack' | 'caches'>,
  levels: readonly EscalationLevel[],
): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  let previous = 0;
  for (const [index, level] of levels.entries()) {
    const path = `escalation.${index}`;
    if (level.afterSeconds <= previous) {
      problems.push({ path: `${path}.afterSeconds`, message: 'Must be later than the level before it' });
    }
    previous = level.afterSeconds;
    if (level.approvers.length === 0) {
      problems.push({ path: `${path}.approvers`, message: 'Pick at least one approver or user group' });
    } else {
      await expandPeople(deps, `${path}.approvers`, level.approvers, problems);
    }
  }
  return problems;
}
