import type { Logger } from 'pino';
import type { TConfig } from '../config/index.ts';
import type { Db } from '../platform/db.ts';
import type { Metrics } from '../platform/metrics.ts';
import type { KnownApiKeys } from './api-keys/known-keys.ts';
import type { AwayNow } from './away/away-now.ts';
import type { Caches } from './caches.ts';
import type { Grants } from './grants/grants.ts';
import type { SecretBox } from './grants/secret-box.ts';
import type { RequestChanges } from './request-changes.ts';
import type { RequestRow } from './requests/store.ts';
import type { WorkflowNotice } from './requests/workflow-notices.ts';
import type { SlackPort } from './slack-port.ts';

/**
 * What use cases need from the outside world; built once in app.ts. Services see Slack through the
 * narrow `SlackPort`; the layers that post and update messages (jobs, listeners) widen `Slack` to
 * the whole `WebClient`, which implements the port as it is.
 */
export interface CoreDeps<Slack extends SlackPort = SlackPort> {
  db: Db;
  slack: Slack;
  effects: Effects;
  /** Cross-instance "this request changed" notifications (long-poll wake-ups). */
  changes: RequestChanges;
  /** The active API keys' hashes in memory, told of changes across instances (see KnownApiKeys). */
  apiKeys: KnownApiKeys;
  /** Who is away, in memory, told of changes across instances (see AwayNow). */
  away: AwayNow;
  config: TConfig;
  /** Signs grants on approval and verifies them on execute. */
  grants: Grants;
  /** Encrypts what PostgreSQL keeps secret (signing keys, callback secrets) under ENCRYPTION_KEY. */
  box: SecretBox;
  /** Bounded in-memory caches, built with the app. */
  caches: Caches;
  logger: Logger;
  /** The app's Prometheus metrics (its own registry), for use cases that count what they do. */
  metrics: Metrics;
  /** The clock; tests may pin it. */
  now(): Date;
}

/**
 * What must follow a committed change, implemented over the job queues (jobs/effects.ts). Kept an
 * interface so services do not depend on the queue layer. Implementations never throw: PostgreSQL
 * already holds the change, and the reconciler repairs anything a failed enqueue leaves undone.
 */
export interface Effects {
  /** A request was created: post its card, schedule its expiry, wake waiters. */
  requestCreated(request: RequestRow): Promise<void>;
  /** Requests changed (a vote, or a transition): re-render their cards; when final, notify and unschedule. */
  requestsChanged(requests: RequestRow[]): Promise<void>;
  /**
   * A deadline or a grant window moved with no change of status (needs info, a grant extension):
   * re-render the cards, wake waiters, and move every timer to the rows' new times.
   */
  requestsRescheduled(requests: RequestRow[]): Promise<void>;
  /** Needs-info and extension notices to post (thread replies, DMs); deterministic ids send each once. */
  workflowNotices(notices: WorkflowNotice[]): Promise<void>;
  /** Only what the card shows changed (a break-glass review): re-render the cards, nothing else. */
  cardsChanged(requests: RequestRow[]): Promise<void>;
  /**
   * A GitHub deployment was linked to its new request: report to GitHub that the run waits, or the
   * decision when a rule decided at once (later decisions are reported by `requestsChanged`).
   */
  githubRunLinked(request: RequestRow): Promise<void>;
  /** A Terraform run no request could be made for: report its task failed (`runTaskId` names its row). */
  runTaskRefused(runTaskId: string): Promise<void>;
}
