import ipaddr from 'ipaddr.js';
import { ConfigError, parseConfig, type TConfig } from './index.ts';

/**
 * The Playground (issue 19): with no Slack app configured at all, `npm start` serves a Slack-like
 * page instead of failing, and the app talks to an in-process stand-in of Slack's Web API. It
 * authenticates nobody, so it is decided here, before the config is parsed, and only on loopback.
 */

/** The settings whose absence (all of them) means "no Slack app": any one of them set means a real workspace. */
export const SLACK_SETTINGS = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'] as const;

/** Where the Playground listens when HOST is unset. */
export const PLAYGROUND_HOST = '127.0.0.1';

type TEnv = Record<string, string | undefined>;

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

/** True when no Slack setting is set: the service starts the Playground instead of connecting to Slack. */
export function wantsPlayground(env: TEnv): boolean {
  return SLACK_SETTINGS.every((name) => !isSet(env[name]));
}

/** Whether `host` only accepts connections from this machine (`localhost`, 127.0.0.0/8, ::1). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare.toLowerCase() === 'localhost') return true;
  if (!ipaddr.isValid(bare)) return false;
  const address = ipaddr.process(bare);
  return address.range() === 'loopback';
}

const LOOPBACK_NAMES = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/**
 * Whether an HTTP request's Host header names this machine by a loopback name: a page elsewhere
 * that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own name, and is refused.
 */
export function addressedToLoopback(hostHeader: string | undefined): boolean {
  return LOOPBACK_NAMES.test(hostHeader ?? '');
}

/**
 * The problem with starting the Playground under this environment, or undefined: an explicit
 * non-loopback HOST without Slack settings is a deployment that forgot its tokens, and must never
 * become an open approval page.
 */
export function playgroundHostProblem(env: TEnv): string | undefined {
  const host = env.HOST?.trim();
  if (host === undefined || host === '' || isLoopbackHost(host)) return undefined;
  return (
    `HOST is ${JSON.stringify(host)}, not a loopback address, and no Slack app is configured ` +
    `(${SLACK_SETTINGS.join(', ')} are all unset): set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET ` +
    `(or SLACK_APP_TOKEN) to serve a Slack workspace, or unset HOST to try the Playground on this machine only`
  );
}

/** What the Playground puts in place of a Slack app's settings. */
export interface PlaygroundSlack {
  apiUrl: string;
  botToken: string;
  signingSecret: string;
  approvalChannel: string;
  approvers: string[];
  admins: string[];
}

/**
 * The environment the service is configured from in the Playground: the stand-in's URL and
 * credentials, loopback HOST unless set, and the demo workspace's default route and admins (ids
 * from a real workspace would name nobody the stand-in knows).
 */
export function playgroundEnv(env: TEnv, slack: PlaygroundSlack): TEnv {
  return {
    ...env,
    HOST: isSet(env.HOST) ? env.HOST : PLAYGROUND_HOST,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    APPROVAL_CHANNEL: slack.approvalChannel,
    APPROVERS: slack.approvers.join(','),
    ADMIN_USER_IDS: slack.admins.join(','),
    // On unless set: the Away and Do not disturb toggles show their effect as approver DMs (sent to
    // available approvers first, the others later), which a real workspace opts into.
    APPROVER_DMS: isSet(env.APPROVER_DMS) ? env.APPROVER_DMS : 'true',
  };
}

/**
 * Parses the Playground's configuration, or throws a ConfigError listing every problem at once:
 * a non-loopback HOST with everything else wrong with the environment.
 */
export function parsePlaygroundConfig(env: TEnv, slack: PlaygroundSlack): TConfig {
  const problems: string[] = [];
  const hostProblem = playgroundHostProblem(env);
  if (hostProblem !== undefined) problems.push(hostProblem);
  try {
    const config = parseConfig(playgroundEnv(env, slack));
    if (problems.length === 0) return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  throw new ConfigError(problems);
}
