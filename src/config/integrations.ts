import { z } from 'zod';
import { definePart, matching, optional, quote, secret, splitList, type TParse } from './fields.ts';

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** `tfc-user=U123,other=W456` → a map of HCP Terraform usernames to Slack user ids; bad entries reported one by one. */
const terraformRequesters: TParse<ReadonlyMap<string, string>> = (value, report) => {
  const map = new Map<string, string>();
  let bad = false;
  for (const entry of splitList(value)) {
    const [username, userId, ...rest] = entry.split('=').map((part) => part.trim());
    if (
      username === undefined ||
      username === '' ||
      userId === undefined ||
      !SLACK_USER_ID.test(userId) ||
      rest.length
    ) {
      report(`entry ${quote(entry)} is not <terraform username>=<Slack user id U…/W…>`);
      bad = true;
    } else map.set(username, userId);
  }
  return bad ? z.NEVER : map;
};

/**
 * Pipeline integrations that call Greenlight natively. Each is off until its secret is set, so a
 * deployment that does not use one exposes nothing for it.
 */
export const integrations = definePart({
  TERRAFORM_RUN_TASK_HMAC_KEY: optional(secret(8, 'a Terraform run task HMAC key')),
  /** Who asks, in Slack, for a run whose creator is not in TERRAFORM_REQUESTERS. */
  TERRAFORM_REQUESTER: optional(matching(SLACK_USER_ID, 'a Slack user id (U…/W…)')),
  /** HCP Terraform usernames (`run_created_by`) → Slack user ids: the run's creator is then the requester. */
  TERRAFORM_REQUESTERS: optional(terraformRequesters),
});
