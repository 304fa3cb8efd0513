import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { countPending } from '../services/requests/store/reads.ts';
import type { Db } from './db.ts';
import { withTimeout } from './timeout.ts';

/** Every metric name starts with this. */
export const METRIC_PREFIX = 'greenlight_';

/** Time to decide is minutes to hours: buckets from 5 s to a day. */
const DECISION_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400];
/** A job should start within milliseconds of being due; seconds mean the workers are behind. */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** HTTP answers, Slack interactions and callback attempts: milliseconds to the 10 s attempt timeout. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** A free connection is handed over in microseconds; milliseconds mean every one was busy. */
const POOL_WAIT_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** How long a scrape may reuse the pending-requests count, so frequent scrapes cost one COUNT. */
const PENDING_CACHE_MS = 5000;
/** How long a scrape waits for PostgreSQL or Redis before leaving those gauges out. */
const SOURCE_TIMEOUT_MS = 2000;

/** What the scrape-time gauges read: PostgreSQL for pending requests, BullMQ for queue depth. */
export interface MetricSources {
  db: Db;
  /** The queues whose depth is reported, read at each scrape. */
  queues(): Queue[];
  logger: Logger;
  now(): Date;
}

/**
 * The app's Prometheus metrics, on a registry of its own (several apps run in one test process).
 * Built in the composition root and handed to whoever counts through `deps.metrics`; GET /metrics
 * renders `registry`.
 */
export interface Metrics {
  registry: Registry;
  /** Requests created, by source (api/slack), routing outcome and rule. */
  requestsCreated: Counter<'source' | 'outcome' | 'rule'>;
  /** Status changes out of pending and approved, by the status reached and who caused it. */
  decisions: Counter<'outcome' | 'decider'>;
  /** From creation to a decision by a person, a service or the deadline (rule decisions take no time). */
  timeToDecision: Histogram<'outcome'>;
  /** From when a job was due to when a worker started it (first attempts only). */
  jobLag: Histogram<'queue'>;
  /** Every HTTP call to Slack's Web API, by method and error (`none`, Slack's code, `ratelimited`, …). */
  slackApiCalls: Counter<'method' | 'error'>;
  /** Slack interactions handled (type: block_actions, view_submission, command, event, …), to the listener's end. */
  slackInteractions: Histogram<'type'>;
  /** Callback delivery attempts by outcome, and whether no retry follows. */
  callbackDeliveries: Counter<'outcome' | 'final'>;
  /** How long the receiver took to answer (or fail) an attempt that was sent. */
  callbackDuration: Histogram<'outcome'>;
  /** HTTP answers by method, route template (never the raw path) and status. */
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** How long each checkout of a PostgreSQL connection waited, by pool (`http`, `jobs`; see createDb). */
  dbPoolWait: Histogram<'pool'>;
}

/**
 * Builds the registry with Node's default process metrics and every Greenlight metric. The pending
 * gauges count in PostgreSQL (cached {@link PENDING_CACHE_MS}) and the queue gauges ask BullMQ, both
 * when scraped; a source that does not answer in time leaves its gauges out of that scrape.
 */
export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;

  const pending = pendingReader(sources);
  new Gauge({
    name: name('pending_requests'),
    help: 'Requests waiting for a decision now.',
    registers,
    async collect() {
      const snapshot = await pending();
      if (snapshot === null) this.reset();
      else this.set(snapshot.count);
    },
  });
  new Gauge({
    name: name('pending_oldest_age_seconds'),
    help: 'Age of the oldest request still waiting for a decision (0 when none waits).',
    registers,
    async collect() {
      const snapshot = await pending();
      if (snapshot === null) this.reset();
      else
        this.set(
          snapshot.oldest === null ? 0 : Math.max(0, (sources.now().getTime() - snapshot.oldest.getTime()) / 1000),
        );
    },
  });
  new Gauge({
    name: name('queue_jobs'),
    help: 'Jobs per queue and state (waiting includes prioritized), read from BullMQ at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      await Promise.all(
        sources.queues().map(async (queue) => {
          try {
            const counts = await withTimeout(
              queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed'),
              SOURCE_TIMEOUT_MS,
            );
            const states = {
              waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
              delayed: counts.delayed ?? 0,
              active: counts.active ?? 0,
              failed: counts.failed ?? 0,
            };
            for (const [state, count] of Object.entries(states)) this.set({ queue: queue.name, state }, count);
          } catch (error) {
            sources.logger.debug({ err: error, queue: queue.name }, 'metrics: queue depth not read');
          }
        }),
      );
    },
  });

  return {
    registry,
    requestsCreated: new Counter({
      name: name('requests_created_total'),
      help: 'Requests created, by source (api, slack), routing outcome (require_approval, auto_approve, auto_deny) and rule ((default) for the default route).',
      labelNames: ['source', 'outcome', 'rule'] as const,
      registers,
    }),
    decisions: new Counter({
      name: name('decisions_total'),
      help: 'Requests reaching approved, denied, expired, cancelled, executed, revoked or lapsed, by who caused it (user, service, rule, system).',
      labelNames: ['outcome', 'decider'] as const,
      registers,
    }),
    timeToDecision: new Histogram({
      name: name('time_to_decision_seconds'),
      help: 'Seconds from creation to approved, denied, expired or cancelled (decisions made by a rule at creation are left out).',
      labelNames: ['outcome'] as const,
      buckets: DECISION_BUCKETS,
      registers,
    }),
    jobLag: new Histogram({
      name: name('job_lag_seconds'),
      help: 'Seconds from when a job was due to when a worker started it (first attempts only).',
      labelNames: ['queue'] as const,
      buckets: LAG_BUCKETS,
      registers,
    }),
    slackApiCalls: new Counter({
      name: name('slack_api_calls_total'),
      help: 'HTTP calls to the Slack Web API, by method and error (none, Slack’s error code, ratelimited for a 429, http_<status>, request_failed).',
      labelNames: ['method', 'error'] as const,
      registers,
    }),
    slackInteractions: new Histogram({
      name: name('slack_interaction_duration_seconds'),
      help: 'Slack interactions handled, by type, in seconds until the listener finished.',
      labelNames: ['type'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    callbackDeliveries: new Counter({
      name: name('callback_deliveries_total'),
      help: 'Callback delivery attempts, by outcome (delivered, failed, gone, blocked, skipped) and whether no retry follows (final).',
      labelNames: ['outcome', 'final'] as const,
      registers,
    }),
    callbackDuration: new Histogram({
      name: name('callback_delivery_duration_seconds'),
      help: 'Seconds a sent callback attempt took, by outcome.',
      labelNames: ['outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    httpDuration: new Histogram({
      name: name('http_request_duration_seconds'),
      help: 'HTTP answers, by method, route template (unmatched for unknown paths) and status.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    dbPoolWait: new Histogram({
      name: name('db_pool_wait_seconds'),
      help: 'Seconds each checkout of a PostgreSQL connection waited for one, by pool (http: HTTP and Slack interactions; jobs: queue workers).',
      labelNames: ['pool'] as const,
      buckets: POOL_WAIT_BUCKETS,
      registers,
    }),
  };
}

interface PendingSnapshot {
  count: number;
  oldest: Date | null;
}

/**
 * One COUNT of pending requests shared by the scrapes of the next few seconds (and by concurrent
 * ones). Null when PostgreSQL did not answer in time.
 */
function pendingReader(sources: MetricSources): () => Promise<PendingSnapshot | null> {
  let cached: { at: number; value: Promise<PendingSnapshot | null> } | undefined;
  const read = async (): Promise<PendingSnapshot | null> => {
    try {
      const [row] = await withTimeout(countPending(sources.db), SOURCE_TIMEOUT_MS);
      return { count: row?.count ?? 0, oldest: row?.oldest ?? null };
    } catch (error) {
      sources.logger.debug({ err: error }, 'metrics: pending requests not counted');
      return null;
    }
  };
  return () => {
    const now = Date.now();
    if (cached === undefined || now - cached.at >= PENDING_CACHE_MS) cached = { at: now, value: read() };
    return cached.value;
  };
}
