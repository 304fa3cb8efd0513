import type { RuleDocument } from '../../src/client/index.ts';
import { APPROVER_A, APPROVER_B, CHANNEL, GROUP, OUTSIDER } from './lifecycle.ts';
import { DBA_CHANNEL } from './rules.ts';

/** A rule document that sets every field of the contract (each to something other than its default). */
export const FULL_RULE = {
  name: 'Production databases',
  enabled: true,
  match: {
    actions: ['db.*', 'schema.*'],
    resources: 'prod/**',
    environments: ['production'],
    minRisk: 'high',
    time: { mode: 'outside', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', timeZone: 'Europe/Berlin' },
  },
  outcome: 'require_approval',
  denyMessage: 'Ask #dba first',
  channel: DBA_CHANNEL,
  approvers: [APPROVER_B, GROUP],
  requiredApprovals: 2,
  ttlSeconds: 600,
  grantSeconds: 3600,
  requireReason: true,
  stages: [
    { name: 'Team lead', approvers: [APPROVER_A], requiredApprovals: 1 },
    { name: 'DBA', approvers: [APPROVER_B, GROUP], requiredApprovals: 2 },
  ],
  reminder: { afterSeconds: 60, repeatSeconds: 300 },
  escalation: [
    { afterSeconds: 600, approvers: [OUTSIDER], channel: CHANNEL },
    { afterSeconds: 1200, approvers: [GROUP] },
  ],
  breakGlass: { allowed: true, channel: CHANNEL },
  needsInfo: { extendSeconds: 900 },
} satisfies RuleDocument;

/** The smallest rule: everything else takes its default (written back with enabled, match and outcome). */
export function smallRule(name: string, actions = 'iam.*'): RuleDocument {
  return { name, match: { actions }, approvers: [APPROVER_A] };
}

/** {@link FULL_RULE} and a small rule, as a rules file with an identities section, every field written out. */
export const FULL_RULES_YAML = `# Routing rules, applied with greenlight rules apply
rules:
  - name: Production databases
    enabled: true
    match:
      actions:
        - db.*
        - schema.*
      resources: prod/**
      environments: [production]
      minRisk: high
      time:
        mode: outside
        days: [1, 2, 3, 4, 5]
        start: "09:00"
        end: "18:00"
        timeZone: Europe/Berlin
    outcome: require_approval
    denyMessage: "Ask #dba first"
    channel: ${DBA_CHANNEL}
    approvers: [${APPROVER_B}, ${GROUP}]
    requiredApprovals: 2
    ttlSeconds: 600
    grantSeconds: 3600
    requireReason: true
    stages:
      - name: Team lead
        approvers: [${APPROVER_A}]
        requiredApprovals: 1
      - name: DBA
        approvers: [${APPROVER_B}, ${GROUP}]
        requiredApprovals: 2
    reminder:
      afterSeconds: 60
      repeatSeconds: 300
    escalation:
      - afterSeconds: 600
        approvers: [${OUTSIDER}]
        channel: ${CHANNEL}
      - afterSeconds: 1200
        approvers: [${GROUP}]
    breakGlass:
      allowed: true
      channel: ${CHANNEL}
    needsInfo:
      extendSeconds: 900
  - name: IAM changes
    enabled: true
    match:
      actions: iam.*
      resources: "**"
    outcome: auto_deny
    denyMessage: IAM changes go through Terraform
identities:
  github:
    octocat: ${APPROVER_A}
`;
