import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  definePart,
  flag,
  integer,
  matching,
  optional,
  quote,
  secret,
  splitList,
  type TParse,
  type TProblem,
  url,
  withDefault,
} from './fields.ts';

/**
 * A GitHub App private key: the PEM itself (a `.env` line may spell its newlines `\n`) or the path
 * of the `.pem` file GitHub gave. Checked to be a private key now, so a wrong one fails at startup;
 * never shown.
 */
const privateKeyPem: TParse<string> = (value, report) => {
  let pem = value;
  if (!value.includes('-----BEGIN')) {
    try {
      pem = readFileSync(value, 'utf8');
    } catch (error) {
      // Not shown: it may be a key pasted without its BEGIN line rather than a path.
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      report(`is neither a PEM private key nor the path of a readable file (${code}; value not shown)`);
      return z.NEVER;
    }
  }
  pem = pem.replaceAll('\\n', '\n').trim();
  try {
    createPrivateKey(pem);
    return `${pem}\n`;
  } catch {
    report('is not a PEM private key (value not shown); download one under the GitHub App settings');
    return z.NEVER;
  }
};

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

/** The default: a workspace name ending in `-prod`, `_staging`, … names its environment. */
export const DEFAULT_TERRAFORM_ENVIRONMENT_PATTERN =
  '[-_](?<environment>prod|production|staging|stage|dev|development|test|qa)$';

/**
 * A regular expression read against a Terraform workspace's name (case-insensitive); its group named
 * `environment` (else its first group, else the whole match) is the run's environment.
 */
const environmentPattern: TParse<RegExp> = (value, report) => {
  try {
    return new RegExp(value, 'i');
  } catch (error) {
    report(`is not a regular expression (${error instanceof Error ? error.message : String(error)})`);
    return z.NEVER;
  }
};

/** The three GitHub App settings that turn the integration on; all or none. */
const GITHUB_SECRETS = ['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITHUB_WEBHOOK_SECRET'] as const;

/**
 * Pipeline integrations that call Greenlight natively. Each is off until its secret is set, so a
 * deployment that does not use one exposes nothing for it.
 */
export const integrations = definePart(
  {
    TERRAFORM_RUN_TASK_HMAC_KEY: optional(secret(8, 'a Terraform run task HMAC key')),
    /** Who asks, in Slack, for a run whose creator is not in TERRAFORM_REQUESTERS. */
    TERRAFORM_REQUESTER: optional(matching(SLACK_USER_ID, 'a Slack user id (U…/W…)')),
    /** HCP Terraform usernames (`run_created_by`) → Slack user ids: the run's creator is then the requester. */
    TERRAFORM_REQUESTERS: optional(terraformRequesters),
    /** How a run's environment is read from its workspace's name (HCP sends no workspace tags). */
    TERRAFORM_ENVIRONMENT_PATTERN: withDefault(
      environmentPattern,
      new RegExp(DEFAULT_TERRAFORM_ENVIRONMENT_PATTERN, 'i'),
    ),
    /**
     * Fail closed on requesters: a GitHub deployment whose user is not linked to a Slack user is
     * rejected at once, and a Terraform run whose creator is not in TERRAFORM_REQUESTERS is reported
     * failed (TERRAFORM_REQUESTER is not used), so nobody can approve their own change unrecognised.
     */
    REQUIRE_LINKED_REQUESTERS: withDefault(flag, false),
    GITHUB_APP_ID: optional(integer(1, Number.MAX_SAFE_INTEGER)),
    GITHUB_APP_PRIVATE_KEY: optional(privateKeyPem),
    GITHUB_WEBHOOK_SECRET: optional(secret(8, 'a GitHub webhook secret')),
    GITHUB_API_URL: withDefault(url(['https:', 'http:'], 'https://api.github.com'), 'https://api.github.com'),
  },
  (values) => {
    // Only variables that parsed and are unset: a malformed one is already reported as such.
    const set = GITHUB_SECRETS.filter((name) => values[name] !== undefined);
    if (set.length === 0) return [];
    return GITHUB_SECRETS.filter((name) => Object.hasOwn(values, name) && values[name] === undefined).map(
      (name): TProblem => ({
        name,
        message: `is required when ${set.join(' and ')} ${set.length > 1 ? 'are' : 'is'} set (GitHub deployment protection rules need all three)`,
      }),
    );
  },
);
