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

/** A routing rule as admins edit it. Every text must be storable (no NUL, no lone surrogate). */
export const ZRuleInput = z.object({
  name: storable(z.string()).trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
  enabled: z.boolean(),
  actionPattern: storable(z.string()).trim(),
  resourcePattern: storable(z.string()).trim(),
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

/**
 * Every problem with a rule, per field: bad globs, an unknown time zone, no approvers, more
 * required approvals than approvers (user groups counted by their members), no channel.
 */
export async function ruleProblems(
  deps: Pick<CoreDeps, 'slack' | 'config' | 'caches'>,
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
