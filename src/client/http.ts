import { GreenlightError } from './errors.ts';
import type { FieldErrorJson } from './types.ts';

/** The `fetch` the client calls; any WHATWG-compatible implementation will do. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** How one call is sent and how hard it is retried. */
export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query under the base URL, e.g. `/api/v1/requests/abc?wait=30`. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Gives up on one attempt after this long (the answer counts as unreachable). */
  timeoutMs: number;
  /**
   * Whether a failure without an answer may be sent again: only for calls that cannot do a thing
   * twice (reads, creates with an Idempotency-Key). 429 and 503 are always retried: the service
   * answers them before it changes anything.
   */
  retryUnanswered: boolean;
}

/** What the transport needs to know about the service. */
export interface Transport {
  baseUrl: string;
  apiKey: string | null;
  fetch: FetchLike;
  /** Attempts after the first, for the failures {@link Call.retryUnanswered} describes. */
  retries: number;
}

/** A successful answer: the parsed JSON and the response headers. */
export interface Answer<T> {
  body: T;
  headers: Headers;
}

/** Never wait longer than this between attempts; a longer Retry-After means the limit is exhausted. */
const MAX_RETRY_DELAY_MS = 30_000;
const FIRST_BACKOFF_MS = 500;

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The socket-level reason of a failed fetch (`ECONNREFUSED`, `ENOTFOUND` …), when there is one. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** `Retry-After` in seconds (the service sends whole seconds), or null. */
function retryAfterOf(headers: Headers): number | null {
  const raw = headers.get('retry-after');
  if (raw === null || !/^\d+$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

/** The error a non-2xx answer stands for, from the service's `{ error: { … } }` body when it has one. */
function errorOf(status: number, text: string, headers: Headers): GreenlightError {
  let code = `http_${status}`;
  let message = `the service answered HTTP ${status}`;
  let fields: FieldErrorJson[] = [];
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; fields?: unknown } };
    const error = parsed.error;
    if (typeof error?.code === 'string') code = error.code;
    if (typeof error?.message === 'string') message = error.message;
    if (Array.isArray(error?.fields)) fields = error.fields as FieldErrorJson[];
  } catch {
    // Not our JSON (a proxy's HTML page, say): the status says enough.
  }
  return new GreenlightError(status, code, message, fields, retryAfterOf(headers));
}

/** Whether a refusal promises that nothing was done, so the same call may simply be sent again. */
function retriable(error: GreenlightError): boolean {
  return error.status === 429 || error.status === 503;
}

/**
 * Sends one call, retrying as {@link Call.retryUnanswered} allows with backoff (or the service's
 * Retry-After, up to 30 s). The caller's `signal` aborting rejects with its reason, unwrapped.
 */
export async function send<T>(transport: Transport, call: Call): Promise<Answer<T>> {
  const url = `${transport.baseUrl}${call.path}`;
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  if (transport.apiKey !== null) headers.authorization = `Bearer ${transport.apiKey}`;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  for (let attempt = 0; ; attempt += 1) {
    let failure: GreenlightError;
    let mayRetry: boolean;
    try {
      const timeout = AbortSignal.timeout(call.timeoutMs);
      const signal = call.signal === undefined ? timeout : AbortSignal.any([call.signal, timeout]);
      const response = await transport.fetch(url, {
        method: call.method,
        headers,
        signal,
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      if (response.ok) {
        // 204 No Content (DELETE): nothing to parse.
        if (response.status === 204 || text === '') return { body: undefined as T, headers: response.headers };
        try {
          return { body: JSON.parse(text) as T, headers: response.headers };
        } catch {
          throw new GreenlightError(response.status, 'bad_response', `${url} did not answer JSON`);
        }
      }
      failure = errorOf(response.status, text, response.headers);
      mayRetry = retriable(failure);
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      if (error instanceof GreenlightError) throw error;
      failure = new GreenlightError(
        0,
        'unreachable',
        `cannot reach ${transport.baseUrl}: ${networkReason(error)}`,
        [],
        null,
        {
          cause: error,
        },
      );
      mayRetry = call.retryUnanswered;
    }
    const delay = failure.retryAfter === null ? FIRST_BACKOFF_MS * 2 ** attempt : failure.retryAfter * 1000;
    if (!mayRetry || attempt >= transport.retries || delay > MAX_RETRY_DELAY_MS) throw failure;
    await sleep(delay, call.signal);
  }
}
