import {
  definePart,
  flag,
  idList,
  integer,
  matching,
  notPlaceholder,
  optional,
  required,
  secret,
  type TProblem,
  token,
  url,
  withDefault,
} from './fields.ts';

/** Slack user ids (U…, W…), user-group ids (S…) and channel ids as Slack prints them. */
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const SLACK_APPROVER_ID = /^[UWS][A-Z0-9]{2,}$/;
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;

/** The Slack app's credentials and API, and who approves and administers through it. */
export const slack = definePart(
  {
    SLACK_BOT_TOKEN: required(
      notPlaceholder(
        'xoxb-your-bot-token',
        "put your Slack app's bot token there (OAuth & Permissions → Bot User OAuth Token, xoxb-…)",
        token('xoxb-', 'a bot token'),
      ),
    ),
    // Verifies requests Slack sends over HTTP; Socket Mode receives nothing over HTTP and does not use it.
    SLACK_SIGNING_SECRET: optional(
      notPlaceholder(
        'your-signing-secret',
        "put your Slack app's signing secret there (Basic Information → App Credentials), or leave it empty in Socket Mode (with SLACK_APP_TOKEN)",
        secret(8, 'a Slack signing secret'),
      ),
    ),
    SLACK_APP_TOKEN: optional(token('xapp-', 'an app-level token')),
    SLACK_API_URL: withDefault(url(['https:', 'http:'], 'https://slack.com/api/'), 'https://slack.com/api/'),
    APPROVAL_CHANNEL: optional(matching(SLACK_CHANNEL_ID, 'a Slack channel id like C0123456789')),
    APPROVERS: withDefault(idList(SLACK_APPROVER_ID, 'a Slack user id (U…/W…) or user-group id (S…)'), []),
    REQUIRED_APPROVALS: withDefault(integer(1, 50), 1),
    ADMIN_USER_IDS: withDefault(idList(SLACK_USER_ID, 'a Slack user id (U…/W…)'), []),
    // Out of office and availability (issue 10): approvers are DM'd, those away or in Do Not Disturb last.
    APPROVER_DMS: withDefault(flag, false),
    UNAVAILABLE_NOTIFY_DELAY_SECONDS: withDefault(integer(1, 24 * 3600), 300),
  },
  (values) => {
    const { APPROVERS, APPROVAL_CHANNEL, REQUIRED_APPROVALS } = values;
    const problems: TProblem[] = [];
    // Only when both are unset: a malformed value of either is already reported as such.
    if (
      Object.hasOwn(values, 'SLACK_APP_TOKEN') &&
      values.SLACK_APP_TOKEN === undefined &&
      Object.hasOwn(values, 'SLACK_SIGNING_SECRET') &&
      values.SLACK_SIGNING_SECRET === undefined
    ) {
      problems.push({
        name: 'SLACK_SIGNING_SECRET',
        message: 'is required unless SLACK_APP_TOKEN is set (Socket Mode)',
      });
    }
    if (APPROVERS === undefined || APPROVERS.length === 0) return problems;
    // A user group may hold any number of people, so N is checked when the group is expanded, not here.
    const hasGroup = APPROVERS.some((id) => id.startsWith('S'));
    if (!hasGroup && REQUIRED_APPROVALS !== undefined && REQUIRED_APPROVALS > APPROVERS.length) {
      problems.push({
        name: 'REQUIRED_APPROVALS',
        message: `is ${REQUIRED_APPROVALS} but APPROVERS names only ${APPROVERS.length}`,
      });
    }
    // Only when it is unset: a malformed APPROVAL_CHANNEL is already reported as such.
    if (Object.hasOwn(values, 'APPROVAL_CHANNEL') && APPROVAL_CHANNEL === undefined) {
      problems.push({ name: 'APPROVAL_CHANNEL', message: 'is required when APPROVERS is set' });
    }
    return problems;
  },
);
