import { LRUCache } from 'lru-cache';
import type { Availability } from '../domain/availability.ts';
import type { HomePages } from './home/home-pages.ts';
import type { CompiledRule } from './routing/rule-matchers.ts';
import type { RuleRow } from './routing/rule-row.ts';
import type { SlackUserInfo } from './slack-port.ts';
import type { WindowStats } from './stats/window-stats.ts';

/**
 * Every in-memory cache of the process, bounded in size and age by one library. Built in the
 * composition root (app.ts) and dropped by `app.close()`, so tests and instances never share them.
 * Each cache holds what is cheap to be briefly stale about; PostgreSQL stays the record.
 */
export interface Caches {
  /** The routing rules, for two seconds: every request is routed, rules change rarely. */
  rules: LRUCache<'all', RuleRow[]>;
  /**
   * Each rule version's compiled globs (by id and `updatedAt`), kept while the rule is unchanged:
   * compiling all globs of the largest rule set on every request cost over a second.
   */
  ruleMatchers: LRUCache<string, CompiledRule>;
  /** Members of approver user groups, for a minute. */
  userGroups: LRUCache<string, string[]>;
  /** Slack users by `id:` or `email:`, for five minutes. */
  slackUsers: LRUCache<string, SlackUserInfo>;
  /** The bot's DM channel with each user: conversations.open answers the same id every time. */
  dmChannels: LRUCache<string, string>;
  /**
   * API client names by row id, for an hour: the confirmation DM names the service that asked in a
   * person's name, and a client's name never changes (it is how its key is known).
   */
  serviceNames: LRUCache<string, string>;
  /** The App Home pages each user last asked for. */
  homePages: LRUCache<string, HomePages>;
  /** The approval stats admins see, for a minute: computing them scans a month of requests. */
  stats: LRUCache<'all', WindowStats[]>;
  /** Approvers' Slack presence and Do Not Disturb, for a minute: they only order notifications. */
  availability: LRUCache<string, Availability>;
}

export function createCaches(): Caches {
  return {
    rules: new LRUCache({ max: 1, ttl: 2000 }),
    // Room for every version of the largest rule set (500 rules, the admin API's limit) twice over.
    ruleMatchers: new LRUCache({ max: 1000 }),
    userGroups: new LRUCache({ max: 1000, ttl: 60_000 }),
    slackUsers: new LRUCache({ max: 10_000, ttl: 5 * 60_000 }),
    dmChannels: new LRUCache({ max: 10_000, ttl: 60 * 60_000 }),
    serviceNames: new LRUCache({ max: 1000, ttl: 60 * 60_000 }),
    homePages: new LRUCache({ max: 10_000 }),
    stats: new LRUCache({ max: 1, ttl: 60_000 }),
    availability: new LRUCache({ max: 10_000, ttl: 60_000 }),
  };
}

/** Empties every cache (on close, so nothing outlives the app that built it). */
export function clearCaches(caches: Caches): void {
  for (const cache of Object.values(caches)) cache.clear();
}
