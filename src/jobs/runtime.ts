import { DelayedError, type Job, type JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Metrics } from '../platform/metrics.ts';
import { currentTrace, isTraceId, runWithTrace, traceIdFrom } from '../platform/trace.ts';

/** A kind of background work: where it runs, what its payload is, how it retries, and what it does. */
export interface JobDefinition<TPayload, TDeps> {
  /** The BullMQ job name; unique across definitions. */
  name: string;
  queue: string;
  /** Payloads carry ids only — never tokens or personal data. */
  schema: z.ZodType<TPayload>;
  attempts: number;
  backoff: JobBackoff<TDeps>;
  /** `token` is the worker's lock token, needed to move the job (e.g. to wait out a rate limit). */
  handle(payload: TPayload, deps: TDeps, job: Job, token: string | undefined): Promise<void>;
}

/**
 * How long a failed job waits before its next attempt: one of BullMQ's built-in schedules, or the
 * definition's own (`delayMs` gets the number of attempts failed so far, from 1, and the worker's
 * dependencies, so a schedule can be tuned per app — tests shorten it).
 */
export type JobBackoff<TDeps> =
  | { type: 'exponential' | 'fixed'; delay: number }
  | { type: 'custom'; delayMs(failedAttempts: number, deps: TDeps): number };

// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of every payload type
export type AnyJobDefinition<TDeps> = JobDefinition<any, TDeps>;

/** Builds a definition; a function only so the payload type is inferred from the schema. */
/**
 * Puts the running job back in the delayed set until `at` (ms since the epoch) without using up an
 * attempt: BullMQ's manual delay, for a timer that fired early, a rate limit, or a notice that must
 * wait its turn. Never returns; the worker reads the thrown DelayedError as "moved, not failed".
 */
export async function delayUntil(job: Job, token: string, at: number): Promise<never> {
  await job.moveToDelayed(at, token);
  throw new DelayedError();
}

export function defineJob<TPayload, TDeps>(definition: JobDefinition<TPayload, TDeps>): JobDefinition<TPayload, TDeps> {
  return definition;
}

export interface JobRuntimeOptions<TDeps> {
  /** Fail-fast connection for adding jobs (see createRedis('producer')). */
  producer: Redis;
  prefix: string;
  definitions: AnyJobDefinition<TDeps>[];
  logger: Logger;
  /** Where workers report how late each job started (greenlight_job_lag_seconds). */
  metrics?: Pick<Metrics, 'jobLag'>;
}

/**
 * The one field the runtime adds to a job's data beside the definition's payload: the trace id of
 * the work that enqueued it (an HTTP request, a Slack interaction, another job), so the job's log
 * lines carry it too. A correlation id, never a secret; the worker takes it off before the
 * definition's strict schema reads the payload.
 */
const TRACE_FIELD = 'traceId';

/** The payload as stored: the definition's fields, and the current trace id when there is one. */
function withTraceId<T>(payload: T): T {
  const traceId = currentTrace()?.traceId;
  if (traceId === undefined || typeof payload !== 'object' || payload === null) return payload;
  return { ...payload, [TRACE_FIELD]: traceId };
}

/** Splits stored data into the trace id it carries (if well-formed) and the definition's payload. */
function splitTraceId(data: unknown): { traceId: string | undefined; payload: unknown } {
  if (typeof data !== 'object' || data === null || !(TRACE_FIELD in data)) return { traceId: undefined, payload: data };
  const { [TRACE_FIELD]: traceId, ...payload } = data as Record<string, unknown>;
  return { traceId: isTraceId(traceId) ? traceId : undefined, payload };
}

/**
 * Seconds between when a job was due (added, plus its delay) and when this worker took it; null on
 * a later start (a retry, or a job that moved itself back to delayed), whose due time BullMQ does
 * not keep.
 */
function lagSeconds(job: Job): number | null {
  if (job.attemptsStarted > 1 || job.processedOn === undefined) return null;
  return Math.max(0, job.processedOn - (job.timestamp + (job.delay ?? 0))) / 1000;
}

export interface JobRuntime<TDeps = unknown> {
  /** Adds a job after validating its payload; a deterministic `jobId` makes it idempotent. */
  enqueue<TPayload>(
    definition: JobDefinition<TPayload, unknown>,
    payload: TPayload,
    options?: Pick<JobsOptions, 'jobId' | 'delay' | 'priority'>,
  ): Promise<Job>;
  /** Adds many jobs of one definition in one round trip to Redis. */
  enqueueBulk<TPayload>(
    definition: JobDefinition<TPayload, unknown>,
    items: Array<{ payload: TPayload; options?: Pick<JobsOptions, 'jobId' | 'delay' | 'priority'> }>,
  ): Promise<Job[]>;
  queue(name: string): Queue;
  /**
   * Starts one worker per queue on a blocking connection (see createRedis('worker')). A web-only
   * instance never calls this.
   */
  startWorkers(connection: Redis, deps: TDeps, concurrency?: number | Record<string, number>): void;
  close(): Promise<void>;
}

/**
 * Creates one BullMQ queue per queue name used by the definitions, for enqueueing. Workers are not
 * started here: `startWorkers` starts one per queue (app.ts calls it unless ROLE=web), dispatching
 * jobs by name. A payload that fails its schema is unrecoverable: retrying cannot make it valid.
 */
export function createJobRuntime<TDeps>(options: JobRuntimeOptions<TDeps>): JobRuntime<TDeps> {
  const { producer, prefix, definitions, logger, metrics } = options;
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const queues = new Map<string, Queue>();
  for (const queueName of new Set(definitions.map((definition) => definition.queue))) {
    queues.set(queueName, new Queue(queueName, { connection: producer, prefix }));
  }

  const workers: Worker[] = [];
  const queueOf = (definition: AnyJobDefinition<TDeps> | JobDefinition<unknown, unknown>) => {
    const queue = queues.get(definition.queue);
    if (queue === undefined) throw new Error(`job ${definition.name} is not registered with this runtime`);
    return queue;
  };
  const optionsOf = (
    definition: { attempts: number; backoff: JobBackoff<never> },
    jobOptions: Pick<JobsOptions, 'jobId' | 'delay' | 'priority'>,
  ): JobsOptions => ({
    attempts: definition.attempts,
    // A custom schedule is looked up by the worker (see `backoffStrategy` below) by the job's name.
    backoff: definition.backoff.type === 'custom' ? { type: 'custom' } : definition.backoff,
    removeOnComplete: { age: 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
    ...jobOptions,
  });

  return {
    async enqueue(definition, payload, jobOptions = {}) {
      return queueOf(definition).add(
        definition.name,
        withTraceId(definition.schema.parse(payload)),
        optionsOf(definition, jobOptions),
      );
    },
    async enqueueBulk(definition, items) {
      if (items.length === 0) return [];
      return queueOf(definition).addBulk(
        items.map((item) => ({
          name: definition.name,
          data: withTraceId(definition.schema.parse(item.payload)),
          opts: optionsOf(definition, item.options ?? {}),
        })),
      );
    },
    startWorkers(connection, deps, concurrency = 16) {
      const concurrencyOf = (queueName: string) =>
        typeof concurrency === 'number' ? concurrency : (concurrency[queueName] ?? 16);
      if (workers.length > 0) throw new Error('workers already started');
      for (const queueName of queues.keys()) {
        const worker = new Worker(
          queueName,
          async (job, token) => {
            const lag = lagSeconds(job);
            if (lag !== null) metrics?.jobLag.observe({ queue: queueName }, lag);
            const { traceId, payload } = splitTraceId(job.data);
            // Everything the job logs carries its trace id (fresh when nothing traced enqueued it) and which job it is.
            const trace = {
              traceId: traceIdFrom(traceId),
              job: job.name,
              ...(job.id === undefined ? {} : { jobId: job.id }),
            };
            await runWithTrace(trace, async () => {
              const definition = byName.get(job.name);
              if (definition === undefined) throw new UnrecoverableError(`no job definition named ${job.name}`);
              const parsed = definition.schema.safeParse(payload);
              if (!parsed.success)
                throw new UnrecoverableError(`invalid payload for ${job.name}: ${parsed.error.message}`);
              await definition.handle(parsed.data, deps, job, token);
            });
          },
          {
            connection,
            prefix,
            concurrency: concurrencyOf(queueName),
            settings: {
              // BullMQ calls this only for jobs whose backoff type is not built in: `custom` ones.
              backoffStrategy: (failedAttempts, _type, _error, job) => {
                const definition = job === undefined ? undefined : byName.get(job.name);
                // -1 tells BullMQ not to retry: a job without a schedule of its own cannot get here.
                if (definition?.backoff.type !== 'custom') return -1;
                return definition.backoff.delayMs(failedAttempts, deps);
              },
            },
          },
        );
        worker.on('failed', (job, error) => {
          const { traceId } = splitTraceId(job?.data);
          logger.warn(
            { job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: error, ...(traceId ? { traceId } : {}) },
            'job failed',
          );
        });
        worker.on('error', (error) => logger.debug({ err: error, queue: queueName }, 'worker connection error'));
        workers.push(worker);
      }
    },
    queue(name) {
      const queue = queues.get(name);
      if (queue === undefined) throw new Error(`no queue named ${name}`);
      return queue;
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}
