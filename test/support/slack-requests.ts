import { signSlackRequest } from '../../src/playground/signing.ts';

export { signSlackRequest };

export interface SendOptions {
  /** Overrides the timestamp (e.g. a stale one). */
  timestamp?: number;
  /** Overrides the signature entirely (e.g. a forged one). */
  signature?: string;
}

/**
 * Sends requests into a running Greenlight the way Slack does: slash commands and interactivity
 * payloads form-encoded, Events API callbacks as JSON, all signed with the signing secret.
 */
export class SlackSender {
  constructor(
    private readonly baseUrl: string,
    private readonly signingSecret: string,
    private readonly teamId = 'T0TEST001',
  ) {}

  async post(body: string, contentType: string, options: SendOptions = {}): Promise<Response> {
    const headers: Record<string, string> = {
      'content-type': contentType,
      ...signSlackRequest(this.signingSecret, body, options.timestamp),
    };
    if (options.signature !== undefined) headers['x-slack-signature'] = options.signature;
    return fetch(new URL('/slack/events', this.baseUrl), { method: 'POST', headers, body });
  }

  /** A slash command invocation, e.g. `/request-action db.drop_table prod/customers`. */
  async slashCommand(
    fields: { command: string; text?: string; user_id: string; channel_id?: string; trigger_id?: string },
    options?: SendOptions,
  ): Promise<Response> {
    const body = new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      team_domain: 'greenlight-test',
      channel_id: fields.channel_id ?? 'C0REQUEST1',
      channel_name: 'requests',
      user_id: fields.user_id,
      user_name: fields.user_id.toLowerCase(),
      command: fields.command,
      text: fields.text ?? '',
      api_app_id: 'A0GREENLT1',
      response_url: 'https://hooks.slack.com/commands/T0TEST001/1/abc',
      trigger_id: fields.trigger_id ?? `${Date.now()}.trigger`,
    }).toString();
    return this.post(body, 'application/x-www-form-urlencoded', options);
  }

  /** An interactivity payload (block_actions, view_submission, …). */
  async interaction(payload: Record<string, unknown>, options?: SendOptions): Promise<Response> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, 'application/x-www-form-urlencoded', options);
  }

  /** A button press on a message or view. */
  async blockAction(
    fields: {
      user_id: string;
      action_id: string;
      value?: string;
      block_id?: string;
      channel_id?: string;
      message_ts?: string;
      view?: Record<string, unknown>;
      trigger_id?: string;
    },
    options?: SendOptions,
  ): Promise<Response> {
    return this.interaction(
      {
        type: 'block_actions',
        team: { id: this.teamId, domain: 'greenlight-test' },
        user: { id: fields.user_id, username: fields.user_id.toLowerCase(), team_id: this.teamId },
        api_app_id: 'A0GREENLT1',
        token: 'deprecated-verification-token',
        trigger_id: fields.trigger_id ?? `${Date.now()}.trigger`,
        container: fields.message_ts
          ? { type: 'message', message_ts: fields.message_ts, channel_id: fields.channel_id, is_ephemeral: false }
          : { type: 'view', view_id: fields.view?.id },
        ...(fields.channel_id ? { channel: { id: fields.channel_id, name: 'approvals' } } : {}),
        ...(fields.message_ts ? { message: { ts: fields.message_ts, type: 'message' } } : {}),
        ...(fields.view ? { view: fields.view } : {}),
        actions: [
          {
            type: 'button',
            action_id: fields.action_id,
            block_id: fields.block_id ?? 'actions',
            value: fields.value,
            action_ts: `${Date.now() / 1000}`,
          },
        ],
      },
      options,
    );
  }

  /** A modal submission with `values` shaped as Slack sends them (`{ block_id: { action_id: {...} } }`). */
  async viewSubmission(
    fields: {
      user_id: string;
      callback_id: string;
      values: Record<string, Record<string, unknown>>;
      private_metadata?: string;
      view_id?: string;
    },
    options?: SendOptions,
  ): Promise<Response> {
    return this.interaction(
      {
        type: 'view_submission',
        team: { id: this.teamId, domain: 'greenlight-test' },
        user: { id: fields.user_id, username: fields.user_id.toLowerCase(), team_id: this.teamId },
        api_app_id: 'A0GREENLT1',
        token: 'deprecated-verification-token',
        trigger_id: `${Date.now()}.trigger`,
        view: {
          id: fields.view_id ?? 'V0000000001',
          team_id: this.teamId,
          type: 'modal',
          callback_id: fields.callback_id,
          private_metadata: fields.private_metadata ?? '',
          state: { values: fields.values },
          hash: 'h',
        },
      },
      options,
    );
  }

  /** An options request from an external select (`block_suggestion`), answered with `{ options }`. */
  async blockSuggestion(
    fields: { user_id: string; action_id: string; block_id?: string; value: string },
    options?: SendOptions,
  ) {
    return this.interaction(
      {
        type: 'block_suggestion',
        team: { id: this.teamId, domain: 'greenlight-test' },
        user: { id: fields.user_id, username: fields.user_id.toLowerCase(), team_id: this.teamId },
        api_app_id: 'A0GREENLT1',
        token: 'deprecated-verification-token',
        action_id: fields.action_id,
        block_id: fields.block_id ?? fields.action_id,
        value: fields.value,
        container: { type: 'view', view_id: 'V0000000001' },
        view: { id: 'V0000000001', type: 'modal', callback_id: 'rule_modal' },
      },
      options,
    );
  }

  /** An Events API callback. */
  async event(event: Record<string, unknown>, options?: SendOptions): Promise<Response> {
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      api_app_id: 'A0GREENLT1',
      type: 'event_callback',
      event_id: `Ev${Date.now()}${Math.floor(Math.random() * 1000)}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.teamId, user_id: 'UBOT00001', is_bot: true, is_enterprise_install: false }],
      event,
    });
    return this.post(body, 'application/json', options);
  }
}
