import { type CreateRequestInput, createClient, type GreenlightClient } from '../../client/index.ts';
import { type ParsedArgs, stringFlag } from './args.ts';
import { UsageError } from './exit-codes.ts';
import type { Io } from './io.ts';

/** Where the service is: `--url` or GREENLIGHT_URL, an http(s) URL without a trailing slash. */
export function serviceUrl(values: ParsedArgs['values'], io: Io): string {
  const raw = stringFlag(values, 'url') ?? io.env.GREENLIGHT_URL;
  if (raw === undefined || raw.trim() === '') {
    throw new UsageError('no service URL: set GREENLIGHT_URL or pass --url https://greenlight.example.com');
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`--url / GREENLIGHT_URL must be an http(s) URL, not ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url / GREENLIGHT_URL must be an http(s) URL, not ${JSON.stringify(raw)}`);
  }
  return url.toString().replace(/\/+$/, '');
}

/** The API key: `--api-key` or GREENLIGHT_API_KEY (the environment keeps it out of `ps` and shell history). */
export function apiKey(values: ParsedArgs['values'], io: Io): string {
  const key = stringFlag(values, 'api-key') ?? io.env.GREENLIGHT_API_KEY;
  if (key === undefined || key.trim() === '') {
    throw new UsageError('no API key: set GREENLIGHT_API_KEY (or pass --api-key)');
  }
  return key.trim();
}

/** A client for the URL and key the flags and environment name. */
export function clientFor(values: ParsedArgs['values'], io: Io): { client: GreenlightClient; url: string } {
  const url = serviceUrl(values, io);
  return { client: createClient({ baseUrl: url, apiKey: apiKey(values, io) }), url };
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Who asks: `--requester` or GREENLIGHT_REQUESTER, a Slack user id (U…) or an e-mail address Slack knows. */
export function requester(values: ParsedArgs['values'], io: Io): CreateRequestInput['requester'] {
  const raw = (stringFlag(values, 'requester') ?? io.env.GREENLIGHT_REQUESTER)?.trim();
  if (raw === undefined || raw === '') {
    throw new UsageError('no requester: set GREENLIGHT_REQUESTER or pass --requester (a Slack user id or e-mail)');
  }
  if (SLACK_USER_ID.test(raw)) return { slackUserId: raw };
  if (/^[^\s@]+@[^\s@]+$/.test(raw)) return { email: raw };
  throw new UsageError(
    `--requester must be a Slack user id like U0123ABCD or an e-mail address, not ${JSON.stringify(raw)}`,
  );
}

/** The key-set URL of a service, where grants are verified against. */
export function jwksUrlOf(url: string): string {
  return `${url}/.well-known/jwks.json`;
}
