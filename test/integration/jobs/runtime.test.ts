import type { Job } from 'bullmq';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createJobRuntime, defineJob, type JobRuntime } from '../../../src/jobs/runtime.ts';
import { createLogger } from '../../../src/platform/logger.ts';
import { createRedis } from '../../../src/platform/redis.ts';
import { currentTrace, runWithTrace, type Trace } from '../../../src/platform/trace.ts';
import { keysUnder, removeKeys } from '../../support/redis-keys.ts';
import { REDIS_URL, uniquePrefix } from '../../support/run.ts';

interface Deps {
  seen: Array<{ id: string; attempt: number }>;
  failUntilAttempt: number;
  /** The waits the custom schedule was asked for, by attempts failed so far. */
  asked?: number[];
  /** The trace each `traced` job ran under, with the payload it was handed. */
  traces?: Array<{ payload: unknown; trace: Trace | undefined }>;
}

const echo = defineJob<{ id: string }, Deps>({
  name: 'echo',
  queue: 'test',
  schema: z.object({ id: z.string().uuid() }).strict(),
  attempts: 3,
  backoff: { type: 'fixed', delay: 10 },
  async handle(payload, deps, job) {
    deps.seen.push({ id: payload.id, attempt: job.attemptsMade + 1 });
    if (job.attemptsMade + 1 < deps.failUntilAttempt) throw new Error('transient');
  },
});

/** Like echo, on its own schedule: the wait is read from the worker's deps. */
const paced = defineJob<{ id: string }, Deps>({
  ...echo,
  name: 'paced',
  attempts: 4,
  backoff: {
    type: 'custom',
    delayMs(failed, deps) {
      deps.asked?.push(failed);
      return 5 * failed;
    },
  },
});

/** Records the trace it runs under. */
const traced = defineJob<{ id: string }, Deps>({
  ...echo,
  name: 'traced',
  async handle(payload, deps) {
    deps.traces?.push({ payload, trace: currentTrace() });
  },
});

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('job runtime on real Redis', () => {
  const producer = createRedis(REDIS_URL, 'producer');
  const worker = createRedis(REDIS_URL, 'worker');
  let runtime: JobRuntime;
  let deps: Deps;
  let prefix: string;

  beforeEach(() => {
    deps = { seen: [], failUntilAttempt: 0 };
    prefix = uniquePrefix();
    runtime = createJobRuntime<Deps>({
      producer,
      prefix,
      definitions: [echo, paced, traced],
      logger: createLogger('silent'),
    });
    runtime.startWorkers(worker, deps);
  });
  afterEach(async () => {
    try {
      await runtime.close();
    } finally {
      // Each test's queue, its jobs and BullMQ's bookkeeping live under its own prefix.
      await removeKeys(keysUnder(prefix), REDIS_URL);
    }
  });
  afterAll(async () => {
    await Promise.all([producer.quit(), worker.quit()]);
  });

  it('runs an enqueued job with its validated payload', async () => {
    const id = crypto.randomUUID();
    await runtime.enqueue(echo, { id });
    await until(() => deps.seen.length === 1);
    expect(deps.seen).toEqual([{ id, attempt: 1 }]);
  });

  it('retries a failing job with its backoff until it succeeds', async () => {
    deps.failUntilAttempt = 3;
    const id = crypto.randomUUID();
    await runtime.enqueue(echo, { id });
    await until(() => deps.seen.length === 3);
    expect(deps.seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
  });

  it('retries a job on its own schedule, asked with the number of attempts failed so far', async () => {
    deps.failUntilAttempt = 4;
    deps.asked = [];
    const id = crypto.randomUUID();
    await runtime.enqueue(paced, { id });
    await until(() => deps.seen.length === 4);
    expect(deps.seen.map((s) => s.attempt)).toEqual([1, 2, 3, 4]);
    expect(deps.asked).toEqual([1, 2, 3]);
  });

  it('stores the enqueuing trace id beside the payload and runs the job under it', async () => {
    deps.traces = [];
    const id = crypto.randomUUID();
    const job = await runWithTrace({ traceId: 'trace-from-http-1' }, () => runtime.enqueue(traced, { id }));
    expect(job.data).toEqual({ id, traceId: 'trace-from-http-1' });
    await until(() => deps.traces?.length === 1);
    // The strict schema reads the payload without the trace id; the job's lines carry trace, name and id.
    expect(deps.traces).toEqual([
      { payload: { id }, trace: { traceId: 'trace-from-http-1', job: 'traced', jobId: job.id } },
    ]);

    // Untraced, or a malformed id in the stored data: the job still runs, under a fresh trace id.
    const untraced = await runtime.enqueue(traced, { id });
    expect(untraced.data).toEqual({ id });
    await runtime.queue('test').add('traced', { id, traceId: 'not a trace id' });
    await until(() => deps.traces?.length === 3);
    for (const run of deps.traces.slice(1)) {
      expect(run.payload).toEqual({ id });
      expect(run.trace?.traceId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('refuses to enqueue a payload that breaks its schema', async () => {
    await expect(runtime.enqueue(echo, { id: 'not-a-uuid' })).rejects.toThrow();
    await expect(runtime.enqueue(echo, { id: crypto.randomUUID(), token: 'xoxb-secret' } as never)).rejects.toThrow();
    expect(await runtime.queue('test').count()).toBe(0);
  });

  it('does not retry a job whose payload fails the schema in the worker', async () => {
    const queue = runtime.queue('test');
    const job: Job = await queue.add('echo', { id: 42 }, { attempts: 5, backoff: { type: 'fixed', delay: 10 } });
    const id = job.id as string;
    let state = await queue.getJobState(id);
    const deadline = Date.now() + 5000;
    while (state !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      state = await queue.getJobState(id);
    }
    expect(state).toBe('failed');
    const failed = await queue.getJob(id);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/invalid payload for echo/);
    expect(deps.seen).toEqual([]);
  });

  it('treats a deterministic job id as idempotent', async () => {
    const id = crypto.randomUUID();
    await runtime.enqueue(echo, { id }, { jobId: `echo-${id}`, delay: 200 });
    await runtime.enqueue(echo, { id }, { jobId: `echo-${id}`, delay: 200 });
    // Wait for the queue to have run everything it holds, not for a guessed time: a second job would
    // still be delayed, waiting or active.
    const queue = runtime.queue('test');
    await until(async () => {
      const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
      return deps.seen.length >= 1 && Object.values(counts).every((count) => count === 0);
    });
    expect(await queue.getJobCounts('completed')).toEqual({ completed: 1 });
    expect(deps.seen).toHaveLength(1);
  });
});
