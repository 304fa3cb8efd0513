/** Slash commands, action ids and callback ids: the one place Slack-facing identifiers are spelled. */
export const COMMAND_REQUEST_ACTION = '/request-action';

export const ACTION_IDS = {
  approve: 'approve_request',
  deny: 'deny_request',
} as const;

export const CALLBACK_IDS = {
  requestModal: 'request_action_modal',
  denyModal: 'deny_reason_modal',
  approveModal: 'approve_reason_modal',
} as const;
