import type { Server } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import { publicUrl } from './config/grants.ts';
import type { TConfig } from './config/index.ts';
import { apiV1Routes } from './http/api/v1/index.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { healthRoutes } from './http/health.ts';
import { githubWebhookRoutes } from './http/integrations/github.ts';
import { terraformRunTaskRoutes } from './http/integrations/terraform.ts';
import { jwksRoutes } from './http/jwks.ts';
import { metricsRoutes } from './http/metrics.ts';
import { createClientLimits } from './http/rate-limits.ts';
import { requestLog } from './http/request-log.ts';
import { refuseUnstorableUrl } from './http/storable-url.ts';
import { createEffects } from './jobs/effects.ts';
import { type JobDeps, QUEUES } from './jobs/queues.ts';
import { type Reconciler, startReconciler } from './jobs/reconciler-watchdog.ts';
import { JOB_DEFINITIONS } from './jobs/registry.ts';
import { createJobRuntime, type JobRuntime } from './jobs/runtime.ts';
import { mcpRoutes } from './mcp/routes.ts';
import { dataDirLock } from './platform/data-dir-lock.ts';
import { createDbPools, type Db, type DbPoolName, pingDb } from './platform/db.ts';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './platform/embedded-db.ts';
import { resolveRedis } from './platform/embedded-redis.ts';
import { redactUrl } from './platform/logger.ts';
import { createMetrics } from './platform/metrics.ts';
import { migrate } from './platform/migrate.ts';
import { connectRedis, createRedis, pingRedis } from './platform/redis.ts';
import { buildStartupSummary } from './platform/startup-summary.ts';
import { syncConfiguredKeys } from './services/api-keys/api-keys.ts';
import { createKnownApiKeys } from './services/api-keys/known-keys.ts';
import { createAwayNow } from './services/away/away-now.ts';
import { clearCaches, createCaches } from './services/caches.ts';
import { type CallbackTiming, DEFAULT_CALLBACK_TIMING } from './services/callbacks/schedule.ts';
import { createGrants } from './services/grants/grants.ts';
import { createGrantKeys } from './services/grants/keys.ts';
import { createSecretBox, loadEncryptionKey } from './services/grants/secret-box.ts';
import { createRequestChanges } from './services/request-changes.ts';
import { loadStartupFacts } from './services/startup-facts.ts';
import { createSlackApp, type SlackApp } from './slack/bolt.ts';
import { registerListeners } from './slack/listeners/index.ts';

export interface Greenlight {
  http: express.Express;
  slack: SlackApp;
  db: Db;
  jobs: JobRuntime<JobDeps>;
  /** What services and jobs run with; tests drive use cases and the reconciler through it. */
  deps: JobDeps;
  /** Listens on `port` (0 picks a free one) and resolves with the server once it accepts connections. */
  listen(port: number, host?: string): Promise<Server>;
  /** Stops accepting, finishes in-flight work, and closes workers, Redis and the database. Idempotent. */
  close(): Promise<void>;
}

/** A listen failure in words that name the setting to change. */
function listenError(error: Error, port: number, host: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'EADDRINUSE'
      ? `port ${port} on ${host} is already in use (another Greenlight or another program): set PORT to a free port`
      : code === 'EACCES'
        ? `not allowed to listen on port ${port}: set PORT to 1024 or above, or grant the permission`
        : code === 'EADDRNOTAVAIL'
          ? `HOST ${host} is not an address of this machine: set HOST`
          : `cannot listen on ${host}:${port} (PORT, HOST): ${error.message}`;
  return Object.assign(new Error(why), { cause: error });
}

/** Closes what was opened so far, newest first, when building fails half-way. */
class Closer {
  private readonly steps: Array<() => Promise<unknown>> = [];
  add(step: () => Promise<unknown>): void {
    this.steps.unshift(step);
  }
  async run(logger: Logger): Promise<void> {
    for (const step of this.steps.splice(0)) {
      try {
        await step();
      } catch (error) {
        logger.warn({ err: error }, 'error while closing');
      }
    }
  }
}

export interface BuildOptions {
  /** The clock (tests pin it). */
  now?: () => Date;
  /** Callback retry waits and attempt timeout (tests shorten them; production uses the defaults). */
  callbackTiming?: Partial<CallbackTiming>;
  /** The Playground (no Slack app configured): seeds the demo and serves its page; see src/playground/. */
  playground?: PlaygroundHooks;
}

/** What the Playground plugs into the app: its seed before the startup summary, its routes before the 404. */
export interface PlaygroundHooks {
  /** Seeds the demo when the database is empty; answers what the summary says about the Playground. */
  seed(deps: JobDeps): Promise<{ url: string; apiKey: string | undefined }>;
  routes(deps: JobDeps): express.Router;
}

/**
 * The composition root: applies migrations, connects PostgreSQL and Redis, builds the caches,
 * queues, workers (unless ROLE=web), the reconciler, the Bolt app and the HTTP routes, and listens
 * on nothing. main.ts and the tests both start here.
 */
export async function buildApp(config: TConfig, logger: Logger, options: BuildOptions = {}): Promise<Greenlight> {
  const now = options.now ?? (() => new Date());
  const closer = new Closer();
  try {
    // The embedded databases under DATA_DIR serve one process: the lock refuses a second one.
    const lock = dataDirLock(config.DATA_DIR);
    closer.add(() => lock.release());
    let databaseUrl = config.DATABASE_URL;
    if (databaseUrl === undefined) {
      await lock.acquire();
      const embedded: EmbeddedDatabase = await startEmbeddedDatabase(config.DATA_DIR);
      closer.add(() => embedded.close());
      databaseUrl = embedded.url;
      logger.warn(
        { dataDir: config.DATA_DIR, origin: embedded.origin },
        'DATABASE_URL is not set: using the embedded PostgreSQL (PGlite) under DATA_DIR — for single-instance trials only',
      );
    }
    const migrated = await migrate({
      url: databaseUrl,
      log: (message) => logger.info(message),
      ...(config.DATABASE_URL === undefined ? { setting: 'DATA_DIR' } : {}),
    });
    logger.info(
      { applied: migrated.applied.length, alreadyApplied: migrated.alreadyApplied.length },
      'database migrations up to date',
    );

    // Built before the metrics (whose gauges read PostgreSQL), so pool waits reach them through this.
    let observePoolWait: (pool: DbPoolName, seconds: number) => void = () => {};
    const { db, jobsDb } = createDbPools(config, databaseUrl, (pool, seconds) => observePoolWait(pool, seconds));
    closer.add(() => db.$disconnect());
    if (jobsDb !== db) closer.add(() => jobsDb.$disconnect());

    // REDIS_URL unset: 127.0.0.1:6379 if a Redis answers there, else a private redis-server under DATA_DIR.
    const redis = await resolveRedis({
      url: config.REDIS_URL,
      dataDir: config.DATA_DIR,
      logger,
      claimDataDir: () => lock.acquire(),
    });
    closer.add(() => redis.stop());
    const producer = createRedis(redis.url, 'producer');
    const workerConnection = createRedis(redis.url, 'worker');
    const subscriber = createRedis(redis.url, 'worker');
    for (const connection of [producer, workerConnection, subscriber]) {
      closer.add(() => connection.quit().catch(() => connection.disconnect()));
      await connectRedis(connection, redis.url);
    }
    logger.info({ redis: redactUrl(redis.url), prefix: config.QUEUE_PREFIX }, 'redis connected');

    // The queue-depth gauges read the runtime's queues when scraped, so `jobs` exists by then.
    const metrics = createMetrics({ db, logger, now, queues: () => Object.values(QUEUES).map((q) => jobs.queue(q)) });
    closer.add(async () => metrics.registry.clear());
    observePoolWait = (pool, seconds) => metrics.dbPoolWait.observe({ pool }, seconds);
    const jobs = createJobRuntime<JobDeps>({
      producer,
      prefix: config.QUEUE_PREFIX,
      definitions: JOB_DEFINITIONS,
      logger,
      metrics,
    });
    closer.add(() => jobs.close());
    const changes = await createRequestChanges(producer, subscriber, config.QUEUE_PREFIX);
    closer.add(() => changes.close());
    const apiKeys = await createKnownApiKeys({
      db,
      publisher: producer,
      subscriber,
      prefix: config.QUEUE_PREFIX,
      logger,
    });
    closer.add(() => apiKeys.close());
    const away = await createAwayNow({ db, publisher: producer, subscriber, prefix: config.QUEUE_PREFIX, logger, now });
    closer.add(() => away.close());
    const box = createSecretBox(loadEncryptionKey(config, logger));
    const grantKeys = createGrantKeys({ db, box, rotationDays: config.GRANT_KEY_ROTATION_DAYS, now });
    // Fails here, not at the first approval, when ENCRYPTION_KEY cannot open the stored keys.
    await grantKeys.signingKey();
    const grants = createGrants({ keys: grantKeys, issuer: publicUrl(config), now });
    const caches = createCaches();
    closer.add(async () => clearCaches(caches));

    const http = express();
    http.disable('x-powered-by');
    // Who the client is, for the per-address limits and the audit trail: the TCP peer unless
    // TRUST_PROXY names the proxies in front; trusting more would let any caller forge X-Forwarded-For.
    http.set('trust proxy', config.TRUST_PROXY);
    // First, before Bolt mounts /slack/events: every request is timed, logged and traced.
    http.use(requestLog(logger, metrics));
    // Before every route: a path or query parameter PostgreSQL cannot store is a 400 here, not a 500 later.
    http.use(refuseUnstorableUrl);
    const slack = await createSlackApp(config, logger, http, metrics);
    closer.add(() => slack.stop());
    // Listeners ack first and keep working after the HTTP response is sent, so the server closing
    // does not mean they are done: track each listener run and let shutdown wait for them.
    const inFlight = new Set<Promise<unknown>>();
    slack.bolt.use(async ({ next }) => {
      const run = next();
      inFlight.add(run);
      try {
        await run;
      } finally {
        inFlight.delete(run);
      }
    });
    closer.add(() => Promise.allSettled([...inFlight]));

    let reconciler: Reconciler | undefined;
    const effects = createEffects({ jobs, changes, logger, now, metrics }, () => reconciler?.requestRepair());
    const deps: JobDeps = {
      db,
      slack: slack.bolt.client,
      jobs,
      changes,
      apiKeys,
      away,
      effects,
      config,
      caches,
      grants,
      box,
      logger,
      metrics,
      now,
      redis: producer,
      callbackTiming: { ...DEFAULT_CALLBACK_TIMING, ...options.callbackTiming },
    };
    await syncConfiguredKeys(db, config.SERVICE_API_KEYS);
    // Loads the key hashes before anything is served, and tells running instances what the sync changed.
    await apiKeys.changed();
    registerListeners(slack.bolt, deps);
    logger.info({ mode: slack.mode, botUserId: slack.botUserId }, 'slack app ready');
    const playground = await options.playground?.seed(deps);
    const summary = buildStartupSummary({
      config,
      mode: slack.mode,
      ...(playground === undefined ? {} : { playground }),
      redis,
      publicUrl: publicUrl(config),
      ...(await loadStartupFacts(db)),
    });
    logger.info(summary.fields, `configured: ${summary.line}`);
    for (const warning of summary.warnings) logger.warn(warning);

    http.use(
      healthRoutes({
        postgres: () => pingDb(db),
        redis: () => pingRedis(producer),
        servesHttp: config.ROLE !== 'worker',
        ...(slack.socketConnected === undefined ? {} : { slackSocket: slack.socketConnected }),
      }),
    );
    http.use(jwksRoutes(grants));
    http.use(metricsRoutes(metrics, config.METRICS_TOKEN));
    // One set of limits: a forged webhook signature counts against its address like a wrong API key.
    const limits = createClientLimits(producer, config);
    http.use(terraformRunTaskRoutes(deps, limits));
    http.use(githubWebhookRoutes(deps, limits));
    http.use('/api/v1', apiV1Routes(deps, limits));
    // Agents: Greenlight as an MCP server (Streamable HTTP), behind the same API keys and limits.
    const mcp = mcpRoutes(deps, limits);
    closer.add(() => mcp.close());
    http.use('/mcp', mcp.router);
    if (options.playground !== undefined) http.use(options.playground.routes(deps));
    http.use(notFoundHandler);
    http.use(errorHandler(logger));

    // ROLE=web instances only enqueue; `all` and `worker` instances run the queues and the reconciler.
    if (config.ROLE !== 'web') {
      // Notifications yield to cards and timers: a burst of outcomes updates every card first.
      // Jobs call Slack without in-process retries (see SlackApp.jobClient).
      const jobDeps: JobDeps = { ...deps, db: jobsDb, slack: slack.jobClient };
      jobs.startWorkers(workerConnection, jobDeps, {
        [QUEUES.timers]: config.WORKER_CONCURRENCY,
        [QUEUES.cards]: config.WORKER_CONCURRENCY,
        [QUEUES.notify]: Math.max(1, Math.ceil(config.WORKER_CONCURRENCY / 4)),
        // Callbacks mostly wait on receivers (up to the attempt timeout each): many slots, little CPU.
        [QUEUES.callbacks]: config.WORKER_CONCURRENCY * 2,
      });
      reconciler = await startReconciler(jobDeps, config.RECONCILE_INTERVAL_SECONDS * 1000);
      const started = reconciler;
      closer.add(() => started.stop());
    }

    let server: Server | undefined;
    let closing: Promise<void> | undefined;
    return {
      http,
      slack,
      db,
      jobs,
      deps,
      async listen(port, host = '127.0.0.1') {
        server = await new Promise<Server>((resolve, reject) => {
          // Express 5 hands a listen error (EADDRINUSE, EACCES) to this callback instead of throwing.
          const listening = http.listen(port, host, (error?: Error) => {
            if (error === undefined) resolve(listening);
            else reject(listenError(error, port, host));
          });
        });
        // HTTP first: while the Slack socket connects, /healthz answers and /readyz says what is missing.
        await slack.start();
        return server;
      },
      close() {
        closing ??= (async () => {
          // Open long-polls answer now with the request as it is, instead of holding shutdown up.
          changes.release();
          // MCP sessions hold streams open (GET /mcp): end them, or the server would wait for them forever.
          await mcp.close();
          if (server !== undefined) {
            const current = server;
            // Stop accepting; idle keep-alive sockets are closed so in-flight requests can finish alone.
            const stopped = new Promise<void>((resolve) => current.close(() => resolve()));
            current.closeIdleConnections();
            await stopped;
          }
          await closer.run(logger);
        })();
        return closing;
      },
    };
  } catch (error) {
    await closer.run(logger);
    throw error;
  }
}
