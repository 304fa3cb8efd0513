import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What the work running now belongs to: the trace id of the HTTP request or Slack interaction that
 * started it (carried into the jobs it enqueued), and, inside a job, which job. Every log line
 * written while it is set carries these fields (see the logger's mixin), so one id finds the HTTP
 * line, the Slack line and the job lines of one click or one API call.
 */
export interface Trace {
  traceId: string;
  /** The job's name and id, inside a job. */
  job?: string;
  jobId?: string;
}

/**
 * The process's one carrier of the current Trace along an async call chain. It holds no state of
 * its own: each HTTP request, interaction or job sets its Trace for the work it starts, so several
 * apps in one process (the tests) never see each other's.
 */
const traces = new AsyncLocalStorage<Trace>();

/** The Trace of the work running now, if any. */
export function currentTrace(): Trace | undefined {
  return traces.getStore();
}

/** Runs `work` (and everything it starts) under `trace`. */
export function runWithTrace<T>(trace: Trace, work: () => T): T {
  return traces.run(trace, work);
}

/**
 * A trace id as accepted from outside (`x-request-id`, a job's data): 8 to 64 characters of
 * letters, digits, `.`, `_`, `:` and `-` — enough for UUIDs and most proxies' ids, nothing that
 * could break a log line or a header.
 */
const TRACE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** Whether `value` is a well-formed trace id (see TRACE_ID). */
export function isTraceId(value: unknown): value is string {
  return typeof value === 'string' && TRACE_ID.test(value);
}

/** The caller's trace id when it is well-formed, else a fresh one. */
export function traceIdFrom(offered: unknown): string {
  return isTraceId(offered) ? offered : randomUUID();
}
