/**
 * A Web API error as Slack answers it: HTTP 200 with `{ ok: false, error: code }`, and for
 * `invalid_blocks`/`invalid_arguments` the details in `response_metadata.messages`.
 */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly messages: string[] = [],
  ) {
    super(code);
    this.name = 'SlackApiError';
  }

  /** The answer body Slack sends for this error. */
  toAnswer(): Record<string, unknown> {
    return {
      ok: false,
      error: this.code,
      ...(this.messages.length > 0 ? { response_metadata: { messages: this.messages } } : {}),
    };
  }
}
