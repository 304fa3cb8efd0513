import type { TConfig } from '../config/index.ts';
import { describeDatabaseUrl } from './database-errors.ts';

/** What the summary is built from: settings, and what startup found. Never a secret. */
export interface StartupFacts {
  config: Pick<
    TConfig,
    'APPROVAL_CHANNEL' | 'APPROVERS' | 'REQUIRED_APPROVALS' | 'ADMIN_USER_IDS' | 'ROLE' | 'DATABASE_URL'
  >;
  /** How Slack's traffic arrives. */
  mode: 'http' | 'socket';
  /** Set when the Playground serves instead of a Slack workspace: its page and the demo API key. */
  playground?: { url: string; apiKey: string | undefined };
  /** The Redis in use and how it was chosen (see resolveRedis). */
  redis: { url: string; source: 'REDIS_URL' | 'default' | 'embedded' };
  /** Routing rules admins enabled in App Home. */
  enabledRules: number;
  /** Names of the API clients that may call /api/v1 (SERVICE_API_KEYS and keys made in App Home). */
  apiClients: string[];
  /** Enabled rules stored with a glob refused today, which therefore never match (empty when none). */
  unmatchableRules?: Array<{ name: string; pattern: string; problem: string }>;
  publicUrl: string;
}

/** The startup summary: structured fields, one line for people, and what is missing for a working service. */
export interface StartupSummary {
  fields: Record<string, unknown>;
  line: string;
  warnings: string[];
}

/** `host:port` of a Redis URL: its password (and user) never reach the log. */
function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port === '' ? '6379' : parsed.port}`;
  } catch {
    return 'an unparseable URL';
  }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Says what this instance was configured with — mode, role, database, Redis, default route, rules,
 * admins, API clients by name — and warns about what stops a trial from working: nobody to approve
 * (every request refused), nobody to administer, nobody allowed to call the API.
 */
export function buildStartupSummary(facts: StartupFacts): StartupSummary {
  const { config, mode, redis, enabledRules, apiClients } = facts;
  const defaultRoute =
    config.APPROVAL_CHANNEL !== undefined && config.APPROVERS.length > 0
      ? { channel: config.APPROVAL_CHANNEL, approvers: config.APPROVERS, requiredApprovals: config.REQUIRED_APPROVALS }
      : null;
  const database =
    config.DATABASE_URL === undefined ? 'embedded (PGlite under DATA_DIR)' : describeDatabaseUrl(config.DATABASE_URL);
  const redisText = `${redisAddress(redis.url)}${redis.source === 'embedded' ? ' (private, under DATA_DIR)' : ''}`;
  const fields = {
    mode: facts.playground === undefined ? mode : 'playground',
    role: config.ROLE,
    publicUrl: facts.publicUrl,
    database,
    redis: redisText,
    defaultRoute,
    enabledRules,
    admins: config.ADMIN_USER_IDS,
    apiClients,
  };

  const route =
    defaultRoute === null
      ? 'no default route'
      : `default route ${defaultRoute.channel} (${count(defaultRoute.approvers.length, 'approver')}, ${count(defaultRoute.requiredApprovals, 'approval')} needed)`;
  const { playground } = facts;
  const line = [
    playground !== undefined
      ? `Playground at ${playground.url} (no Slack app configured: a Slack stand-in on this machine only, never for production; demo API key ${playground.apiKey ?? 'made on an earlier start, see App Home'})`
      : mode === 'socket'
        ? 'Slack over Socket Mode'
        : 'Slack over HTTP (/slack/events)',
    `role ${config.ROLE}`,
    route,
    count(enabledRules, 'enabled rule'),
    config.ADMIN_USER_IDS.length === 0 ? 'no admins' : `admins ${config.ADMIN_USER_IDS.join(', ')}`,
    apiClients.length === 0 ? 'no API clients' : `API clients ${apiClients.join(', ')}`,
    `database ${database}`,
    `redis ${redisText}`,
  ].join('; ');

  const warnings: string[] = [];
  if (defaultRoute === null && enabledRules === 0) {
    warnings.push(
      'no approvers: APPROVAL_CHANNEL and APPROVERS are not set and no routing rule is enabled, so every API call will be refused (and every /request-action) — set them, or have an admin add a rule in App Home',
    );
  } else if (defaultRoute === null) {
    warnings.push(
      'no default route: requests that match no rule will be refused — set APPROVAL_CHANNEL and APPROVERS for them',
    );
  }
  if (config.ADMIN_USER_IDS.length === 0) {
    warnings.push('no admins: ADMIN_USER_IDS is empty, so nobody can edit rules, routing or API keys in App Home');
  }
  if (apiClients.length === 0) {
    warnings.push(
      'no API clients: SERVICE_API_KEYS is empty and no key was made in App Home, so nothing can call /api/v1',
    );
  }
  for (const rule of facts.unmatchableRules ?? []) {
    warnings.push(
      `rule "${rule.name}" never matches: its glob ${JSON.stringify(rule.pattern)} ${rule.problem} — edit the rule in App Home or its rules file`,
    );
  }
  return { fields, line, warnings };
}
