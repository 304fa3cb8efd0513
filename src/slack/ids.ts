/** Slash commands, action ids and callback ids: the one place Slack-facing identifiers are spelled. */
export const COMMAND_REQUEST_ACTION = '/request-action';

export const ACTION_IDS = {
  approve: 'approve_request',
  deny: 'deny_request',
  cancel: 'home_cancel_request',
  page: 'home_page',
  ruleAdd: 'home_rule_add',
  ruleEdit: 'home_rule_edit',
  ruleDelete: 'home_rule_delete',
  ruleUp: 'home_rule_up',
  ruleDown: 'home_rule_down',
  ruleToggle: 'home_rule_toggle',
  ruleTest: 'home_rule_test',
  keyCreate: 'home_key_create',
  keyRevoke: 'home_key_revoke',
  /** Link a GitHub login to a Slack user (admins): opens the identity modal. */
  identityAdd: 'home_identity_add',
  identityRemove: 'home_identity_remove',
  /** Approval stats, an admin's button in App Home. */
  stats: 'home_stats',
  /** Export the audit trail (admins): opens the export modal. */
  auditExport: 'home_audit_export',
  /** Revoke access: on an approved card, and in App Home. */
  revokeGrant: 'revoke_grant',
  /** Show grant: in a Slack requester's outcome DM, and in their App Home. */
  showGrant: 'show_grant',
} as const;

export const CALLBACK_IDS = {
  requestModal: 'request_action_modal',
  denyModal: 'deny_reason_modal',
  approveModal: 'approve_reason_modal',
  ruleModal: 'rule_modal',
  testModal: 'rule_test_modal',
  keyModal: 'api_key_modal',
  revokeModal: 'revoke_grant_modal',
  statsModal: 'approval_stats_modal',
  exportModal: 'audit_export_modal',
  identityModal: 'identity_link_modal',
} as const;
