/** Slash commands, action ids and callback ids: the one place Slack-facing identifiers are spelled. */
export const COMMAND_REQUEST_ACTION = '/request-action';

export const ACTION_IDS = {
  homeOpenRequestModal: 'home_open_request_modal',
} as const;
