import { NO_WORKFLOW, type TRuleInput } from '../../src/services/routing/rule-schema.ts';
import { APPROVER_B, CHANNEL, GROUP } from './lifecycle.ts';

export const DBA_CHANNEL = 'C0DBAPPROV';

/** A valid rule: production databases need two approvals from B and the on-call group in #dba. */
export function ruleInput(overrides: Partial<TRuleInput> = {}): TRuleInput {
  return {
    name: 'Production databases',
    enabled: true,
    actionPatterns: ['db.*'],
    resourcePatterns: ['prod/**'],
    environments: [],
    minRisk: null,
    timeCondition: null,
    outcome: 'require_approval',
    denyMessage: null,
    channelId: DBA_CHANNEL,
    approvers: [APPROVER_B, GROUP],
    requiredApprovals: 2,
    ttlSeconds: null,
    grantSeconds: null,
    requireReason: false,
    ...NO_WORKFLOW,
    ...overrides,
  };
}

/** Requests for sandbox/** are approved at once by the rule “Sandbox” (the automatic path, with a grant). */
export function sandboxAutoApproval(): TRuleInput {
  return ruleInput({
    name: 'Sandbox',
    resourcePatterns: ['sandbox/**'],
    outcome: 'auto_approve',
    approvers: [],
    channelId: CHANNEL,
  });
}
