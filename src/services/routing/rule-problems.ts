import { globProblem, timeConditionProblems } from '../../domain/policy.ts';
import type { FieldError } from '../../errors.ts';
import type { CoreDeps } from '../ports.ts';
import { expandApprovers } from './approvers.ts';
import type { EscalationLevel, Stage, TRuleInput } from './rule-schema.ts';

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
