import { matchRules, type PolicyInput, resourceFor } from '../../domain/policy.ts';
import { AppError } from '../../errors.ts';
import type { CoreDeps } from '../ports.ts';
import { expandApprovers } from './approvers.ts';
import { cachedMatchers } from './rule-matchers.ts';
import { NO_WORKFLOW, type RuleOutcome, ruleWorkflow, type Workflow } from './rule-schema.ts';
import { listRules, listRulesForRouting } from './rules-store.ts';

/** Where a request goes and what it needs: the outcome of routing. */
export interface Route {
  ruleId: string | null;
  ruleName: string | null;
  channelId: string;
  /** Individual approver user ids, user groups already expanded. */
  approverIds: string[];
  requiredApprovals: number;
  requireReason: boolean;
  grantSeconds: number | null;
  ttlSeconds: number | null;
  outcome: RuleOutcome;
  denyMessage: string | null;
  /** The rule's stages, reminder, escalation, break-glass and needs-info settings (none for the default route). */
  workflow: Workflow;
  /** The resource routing matched: the rule's `resourceFrom` value from the call's arguments, else the request's. */
  resource: string;
}

/**
 * Routes a request: the first enabled rule (by priority) that matches decides the channel,
 * approvers, quorum, time to decide, grant window and outcome; with no match, the default route
 * from the environment (APPROVAL_CHANNEL, APPROVERS, REQUIRED_APPROVALS) applies.
 */
export async function resolveRoute(
  deps: Pick<CoreDeps, 'db' | 'slack' | 'config' | 'caches'>,
  input: PolicyInput,
): Promise<Route> {
  const { config } = deps;
  const rules = await listRulesForRouting(deps);
  const { match: rule } = matchRules(rules, input, cachedMatchers(deps.caches.ruleMatchers), false);
  if (rule !== null) {
    const channelId = rule.channelId ?? config.APPROVAL_CHANNEL;
    if (channelId === undefined) {
      throw new AppError('not_configured', `rule “${rule.name}” has no channel and APPROVAL_CHANNEL is not set`);
    }
    return {
      ruleId: rule.id,
      ruleName: rule.name,
      channelId,
      approverIds: rule.outcome === 'require_approval' ? await expandApprovers(deps, rule.approvers) : [],
      requiredApprovals: rule.requiredApprovals,
      requireReason: rule.requireReason,
      grantSeconds: rule.grantSeconds,
      ttlSeconds: rule.ttlSeconds,
      outcome: rule.outcome,
      denyMessage: rule.denyMessage,
      workflow: ruleWorkflow(rule),
      resource: resourceFor(rule, input),
    };
  }
  if (config.APPROVAL_CHANNEL === undefined || config.APPROVERS.length === 0) {
    throw new AppError(
      'not_configured',
      'no rule matches and no default route is configured: set APPROVAL_CHANNEL and APPROVERS',
    );
  }
  return {
    ruleId: null,
    ruleName: null,
    channelId: config.APPROVAL_CHANNEL,
    approverIds: await expandApprovers(deps, config.APPROVERS),
    requiredApprovals: config.REQUIRED_APPROVALS,
    requireReason: false,
    grantSeconds: null,
    ttlSeconds: null,
    outcome: 'require_approval',
    denyMessage: null,
    workflow: NO_WORKFLOW,
    resource: input.resource,
  };
}

/**
 * What routing would do for a request like this, with every rule's reasons: the App Home simulator.
 * It reads the rules fresh (an admin tests what they just saved) but matches with the same compiled globs.
 */
export async function simulateRoute(deps: Pick<CoreDeps, 'db' | 'caches'>, input: PolicyInput) {
  const { match, verdicts } = matchRules(await listRules(deps.db), input, cachedMatchers(deps.caches.ruleMatchers));
  return {
    match: match === null ? null : { id: match.id, name: match.name, outcome: match.outcome },
    verdicts: verdicts.map((v) => ({ name: v.rule.name, matched: v.matched, reasons: v.reasons })),
  };
}
