import { networkReason, SettingError } from '../platform/setting-error.ts';

/** Slack error codes that mean the token itself is wrong, revoked, or not allowed to do this. */
const TOKEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'missing_scope',
  'no_permission',
  'team_disabled',
  'user_removed_from_team',
  'ekm_access_denied',
]);

/** The two Slack tokens Greenlight starts with, and where a new one is found. */
const TOKEN_HINTS = {
  SLACK_BOT_TOKEN:
    'copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions again; reinstall the app to the workspace if it was revoked',
  SLACK_APP_TOKEN:
    'generate an app-level token (xapp-…) with the connections:write scope under Basic Information → App-Level Tokens, and turn Socket Mode on',
} as const;

export type SlackTokenSetting = keyof typeof TOKEN_HINTS;

/** What @slack/web-api puts on the errors it throws (read by `code`, so two copies of the package agree). */
interface WebApiError {
  code?: unknown;
  data?: { error?: unknown };
  statusCode?: unknown;
  original?: unknown;
  retryAfter?: unknown;
}

/**
 * Turns a failed startup call to Slack (`auth.test` with the bot token, `apps.connections.open` with
 * the app token) into an error naming the setting to fix: SLACK_API_URL when Slack cannot be reached
 * there or does not speak the Web API, the token's own name when Slack refuses it. Tokens are never shown.
 */
export function slackStartupError(
  error: unknown,
  call: { method: string; token: SlackTokenSetting; apiUrl: string },
): Error {
  const e = (typeof error === 'object' && error !== null ? error : {}) as WebApiError;
  const { method, token, apiUrl } = call;
  switch (e.code) {
    case 'slack_webapi_request_error':
      return new SettingError(
        'SLACK_API_URL',
        `Slack is unreachable at SLACK_API_URL=${apiUrl} (${method}): ${networkReason(e.original ?? error)} — check the URL, and this machine's network and proxy`,
        { cause: error },
      );
    case 'slack_webapi_http_error':
      return new SettingError(
        'SLACK_API_URL',
        `SLACK_API_URL=${apiUrl} answered HTTP ${String(e.statusCode)} to ${method}: is it Slack's Web API (default https://slack.com/api/)?`,
        { cause: error },
      );
    case 'slack_webapi_rate_limited_error':
      return new Error(`Slack rate-limited ${method} at startup; start again in ${String(e.retryAfter)} s`, {
        cause: error,
      });
    case 'slack_webapi_platform_error': {
      const code = String(e.data?.error);
      if (TOKEN_ERRORS.has(code)) {
        return new SettingError(token, `Slack refused ${token} (${code}): ${TOKEN_HINTS[token]}`, { cause: error });
      }
      return new SettingError(token, `Slack answered ${method} with the error ${code} (${token}, SLACK_API_URL)`, {
        cause: error,
      });
    }
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}
