/**
 * Who asked, as `requester_slack_id` stores it: a Slack user id, or — for a GitHub deployment whose
 * GitHub user is linked to no Slack user — `github:<login>`. That form never equals a Slack id, so
 * such a requester can be on no approver list and receives no DM; self-approval cannot be checked
 * for them, and every rendering says so. Pure: no I/O.
 */

const GITHUB_PREFIX = 'github:';

/** The stored requester for a GitHub login linked to no Slack user. */
export function unlinkedGithubRequester(login: string): string {
  return `${GITHUB_PREFIX}${login}`;
}

/** The GitHub login of an unlinked requester, or null for a Slack user. */
export function unlinkedGithubLogin(requester: string): string | null {
  return requester.startsWith(GITHUB_PREFIX) ? requester.slice(GITHUB_PREFIX.length) : null;
}

/** Whether the requester is a Slack user (can be mentioned, DMed, and refused their own approval). */
export function isSlackRequester(requester: string): boolean {
  return unlinkedGithubLogin(requester) === null;
}

/** The requester in Slack mrkdwn: a mention, or the GitHub login with the warning. */
export function requesterMention(requester: string): string {
  const login = unlinkedGithubLogin(requester);
  if (login === null) return `<@${requester}>`;
  return `GitHub user ${login} (not linked to Slack: self-approval cannot be checked)`;
}
