/** Slash commands, action ids and callback ids: the one place Slack-facing identifiers are spelled. */
export const COMMAND_REQUEST_ACTION = '/request-action';

export const ACTION_IDS = {
  approve: 'approve_request',
  /** "Approve this tool for 15 minutes": on the card of an MCP tool call (greenlight mcp-proxy). */
  approveForWhile: 'approve_request_for_while',
  /** Revoke a standing approval ("approve for a while"), in App Home. */
  standingRevoke: 'home_standing_revoke',
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
  /** Rules as code: "Detach from file" on a rule applied from a rules file (admins). */
  ruleDetach: 'home_rule_detach',
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
  // Needs info and Extend (issue 10): values are `<requestId>.<questionId | extensionId>` (blocks/workflow-ref.ts).
  /** Ask a question: on a pending card, for its routed approvers (value: the request id). */
  askQuestion: 'ask_question',
  /** Reply: in the requester's needs-info DM. */
  replyQuestion: 'reply_question',
  /** Request extension: next to Show grant in a Slack requester's approval DM (value: the request id). */
  requestExtension: 'request_extension',
  /** Approve extension / Deny extension: on the extension's reply in the card's thread. */
  approveExtension: 'approve_extension',
  denyExtension: 'deny_extension',
  // Break-glass (issue 10): the requester's button (in their DM and on the card), and a routed approver's Review.
  breakGlass: 'break_glass',
  breakGlassReview: 'break_glass_review',
  // Out of office (issue 10): anyone sets or clears their away status in App Home.
  /** Set away / Change: opens the away modal. */
  awaySet: 'home_away_set',
  /** I'm back: clears the away status. */
  awayClear: 'home_away_clear',
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
  // Needs info and Extend (issue 10).
  questionModal: 'ask_question_modal',
  replyModal: 'reply_question_modal',
  extensionModal: 'request_extension_modal',
  // Break-glass (issue 10): the justification modal, and the review modal.
  breakGlassModal: 'break_glass_modal',
  breakGlassReviewModal: 'break_glass_review_modal',
  // Out of office (issue 10).
  awayModal: 'away_modal',
  identityModal: 'identity_link_modal',
} as const;
