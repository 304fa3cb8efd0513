import { GreenlightError } from './errors.ts';
import { type Call, type FetchLike, send, type Transport } from './http.ts';
import type {
  AuditVerifyReport,
  CreateRequestInput,
  ExecutionResult,
  Identities,
  RequestJson,
  RuleDocument,
  RuleJson,
  RulesApplied,
  RulesExport,
} from './types.ts';

/** How to reach a Greenlight service. */
export interface ClientOptions {
  /** The service's base URL, e.g. `https://greenlight.example.com` (a trailing slash is fine). */
  baseUrl: string;
  /** An API key from SERVICE_API_KEYS. */
  apiKey: string;
  /** A `fetch` to use instead of the global one (tests, proxies). */
  fetch?: FetchLike;
  /** Attempts after the first for calls that are safe to repeat (default 3); 0 turns retrying off. */
  retries?: number;
  /** How long one ordinary call may take before it counts as unreachable (default 30 s). */
  timeoutMs?: number;
}

/** A request just created: `replayed` is true when the Idempotency-Key matched an earlier one. */
export type CreatedRequest = RequestJson & { replayed: boolean };

/** What `wait` reports: called after every poll with the request as it is then. */
export interface WaitOptions {
  /** Stop waiting after this long and resolve with the still-pending request (default: no limit). */
  timeoutMs?: number;
  /** Aborting rejects with the signal's reason; the request is left as it is. */
  signal?: AbortSignal;
  /** The longest single long poll, 1–60 s (default 60): shorter polls refresh `onPoll` more often. */
  pollSeconds?: number;
  onPoll?: (request: RequestJson) => void;
}

/** The typed Greenlight API: one method per route of `/api/v1/requests`, and for admin keys the audit check and the rules. */
export interface GreenlightClient {
  /**
   * Asks for approval (`POST /requests`). With an `idempotencyKey`, a repeat of the same body answers
   * the original request, so the call is retried safely when no answer came.
   */
  request(
    input: CreateRequestInput,
    options?: { idempotencyKey?: string; signal?: AbortSignal },
  ): Promise<CreatedRequest>;
  /** Reads a request with its audit trail; `wait` (0–60 s) long-polls while it is pending. */
  get(id: string, options?: { wait?: number; signal?: AbortSignal }): Promise<RequestJson>;
  /**
   * Long-polls until the request is no longer pending. Resolves with the decided request, or with
   * the still-pending one once `timeoutMs` has passed; rejects with the abort reason when aborted.
   */
  wait(id: string, options?: WaitOptions): Promise<RequestJson>;
  /** Spends the grant: `approved → executed`, once. 409 `already_executed`/`revoked`/`lapsed`, 422 `invalid_grant`. */
  execute(id: string, grant: string): Promise<RequestJson>;
  /** Withdraws an unspent grant: `approved → revoked`. */
  revoke(id: string, reason?: string): Promise<RequestJson>;
  /** Asks the approvers to extend an unspent grant by `seconds` (a new token once one approves). */
  extend(id: string, seconds: number, reason: string): Promise<RequestJson>;
  /** Withdraws a pending request: `pending → cancelled`. */
  cancel(id: string, reason?: string): Promise<RequestJson>;
  /** Records how the command run under the grant ended (audited as `execution.reported`). */
  reportResult(id: string, result: ExecutionResult): Promise<RequestJson>;
  /**
   * Walks every audit chain on the server (`GET /api/v1/audit/verify`; admin keys only, others get
   * 403 `forbidden`) and resolves with the report, intact or not. A long trail takes a while:
   * `timeoutMs` defaults to 10 minutes.
   */
  verifyAuditTrail(options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<AuditVerifyReport>;
  /** Every routing rule in priority order (`GET /api/v1/rules`; admin keys). */
  listRules(): Promise<RuleJson[]>;
  /** Every routing rule and every identity link, a rules file's content (`GET /api/v1/rules`; admin keys). */
  exportRules(): Promise<RulesExport>;
  /** Adds a rule at the end of the list (admin keys); 400 `validation_failed` lists every problem. */
  createRule(rule: RuleDocument): Promise<RuleJson>;
  /** Changes some fields of a rule: a JSON Merge Patch of its document (`null` resets a field). */
  updateRule(id: string, patch: Partial<RuleDocument> | Record<string, unknown>): Promise<RuleJson>;
  /** Deletes a rule. */
  deleteRule(id: string): Promise<void>;
  /**
   * Replaces every rule with `rules` (`PUT /api/v1/rules`), all or nothing, and resolves with the
   * diff; with `dryRun` nothing changes. 400 `validation_failed` lists every problem as
   * `rules[3].match.actions.0`.
   */
  replaceRules(
    rules: RuleDocument[],
    options?: { dryRun?: boolean; identities?: Identities; signal?: AbortSignal },
  ): Promise<RulesApplied>;
}

/** The longest `?wait=` the service accepts. */
const MAX_WAIT_SECONDS = 60;
/** Beyond the long-poll itself, how long its answer may take to arrive. */
const POLL_SLACK_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;
const VERIFY_TIMEOUT_MS = 10 * 60_000;

function requestPath(id: string, tail = ''): string {
  return `/api/v1/requests/${encodeURIComponent(id)}${tail}`;
}

/** Checks that an answer is a verification report, so a wrong URL fails loudly rather than later. */
function asReport(body: unknown): AuditVerifyReport {
  const candidate = body as Partial<AuditVerifyReport> | null;
  if (typeof candidate?.ok !== 'boolean' || !Array.isArray(candidate.breaks)) {
    throw new GreenlightError(200, 'bad_response', 'the service answered something that is not an audit report');
  }
  return candidate as AuditVerifyReport;
}

/** Checks that an answer is a request at all, so a wrong URL fails loudly rather than later. */
function asRequest(body: unknown): RequestJson {
  const candidate = body as Partial<RequestJson> | null;
  if (typeof candidate?.id !== 'string' || typeof candidate.status !== 'string') {
    throw new GreenlightError(200, 'bad_response', 'the service answered something that is not a request');
  }
  return candidate as RequestJson;
}

/**
 * A client for one Greenlight service and API key. It imports nothing of the server: `fetch` only.
 *
 * @example
 * const greenlight = createClient({ baseUrl: 'https://greenlight.example.com', apiKey: process.env.GREENLIGHT_API_KEY });
 * const created = await greenlight.request({ action: 'db.migrate', resource: 'prod/main', reason: 'release 42',
 *   requester: { email: 'rita@example.com' } });
 * const decided = await greenlight.wait(created.id, { timeoutMs: 15 * 60_000 });
 */
export function createClient(options: ClientOptions): GreenlightClient {
  const transport: Transport = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    apiKey: options.apiKey,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    retries: options.retries ?? DEFAULT_RETRIES,
  };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const call = async (spec: Omit<Call, 'timeoutMs'> & { timeoutMs?: number }) =>
    asRequest((await send<unknown>(transport, { timeoutMs, ...spec })).body);
  const post = (id: string, tail: string, body: unknown) =>
    call({ method: 'POST', path: requestPath(id, tail), body, retryUnanswered: false });

  const get: GreenlightClient['get'] = (id, { wait = 0, signal } = {}) =>
    call({
      method: 'GET',
      path: requestPath(id, wait > 0 ? `?wait=${Math.min(Math.floor(wait), MAX_WAIT_SECONDS)}` : ''),
      signal,
      timeoutMs: timeoutMs + wait * 1000 + (wait > 0 ? POLL_SLACK_MS : 0),
      retryUnanswered: true,
    });

  const exportRules: GreenlightClient['exportRules'] = async () => {
    const answer = await send<{ rules?: unknown; identities?: unknown }>(transport, {
      method: 'GET',
      path: '/api/v1/rules',
      timeoutMs,
      retryUnanswered: true,
    });
    if (!Array.isArray(answer.body?.rules)) {
      throw new GreenlightError(200, 'bad_response', 'the service answered something that is not a list of rules');
    }
    const { identities } = answer.body;
    return {
      rules: answer.body.rules as RuleJson[],
      // A service from before identities were part of the rules answers none.
      identities: typeof identities === 'object' && identities !== null ? (identities as Identities) : {},
    };
  };

  return {
    async request(input, { idempotencyKey, signal } = {}) {
      const answer = await send<unknown>(transport, {
        method: 'POST',
        path: '/api/v1/requests',
        body: input,
        headers: idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey },
        signal,
        timeoutMs,
        // Without a key a second attempt could ask twice; with one it answers the first.
        retryUnanswered: idempotencyKey !== undefined,
      });
      return { ...asRequest(answer.body), replayed: answer.headers.get('idempotent-replayed') === 'true' };
    },
    get,
    async wait(id, { timeoutMs: limit, signal, pollSeconds = MAX_WAIT_SECONDS, onPoll } = {}) {
      const deadline = limit === undefined ? Number.POSITIVE_INFINITY : Date.now() + limit;
      const longest = Math.min(MAX_WAIT_SECONDS, Math.max(1, Math.floor(pollSeconds)));
      for (;;) {
        const left = deadline - Date.now();
        const seconds = Math.min(longest, Math.max(0, Math.floor(left / 1000)));
        const request = await get(id, { wait: seconds, ...(signal === undefined ? {} : { signal }) });
        onPoll?.(request);
        if (request.status !== 'pending' || deadline - Date.now() < 1000) return request;
      }
    },
    execute: (id, grant) => post(id, '/execute', { grant }),
    revoke: (id, reason) => post(id, '/revoke', reason === undefined ? {} : { reason }),
    extend: (id, seconds, reason) => post(id, '/extend', { seconds, reason }),
    cancel: (id, reason) => post(id, '/cancel', reason === undefined ? {} : { reason }),
    reportResult: (id, result) =>
      post(id, '/result', { exitCode: result.exitCode, signal: result.signal ?? null, durationMs: result.durationMs }),
    async verifyAuditTrail({ timeoutMs: limit = VERIFY_TIMEOUT_MS, signal } = {}) {
      const answer = await send<unknown>(transport, {
        method: 'GET',
        path: '/api/v1/audit/verify',
        signal,
        timeoutMs: limit,
        // Only reads the trail (and notes that it was checked): safe to ask again.
        retryUnanswered: true,
      });
      return asReport(answer.body);
    },
    async listRules() {
      return (await exportRules()).rules;
    },
    exportRules,
    async createRule(rule) {
      const answer = await send<RuleJson>(transport, {
        method: 'POST',
        path: '/api/v1/rules',
        body: rule,
        timeoutMs,
        retryUnanswered: false,
      });
      return answer.body;
    },
    async updateRule(id, patch) {
      const answer = await send<RuleJson>(transport, {
        method: 'PATCH',
        path: `/api/v1/rules/${encodeURIComponent(id)}`,
        body: patch,
        timeoutMs,
        retryUnanswered: false,
      });
      return answer.body;
    },
    async deleteRule(id) {
      await send<unknown>(transport, {
        method: 'DELETE',
        path: `/api/v1/rules/${encodeURIComponent(id)}`,
        timeoutMs,
        retryUnanswered: false,
      });
    },
    async replaceRules(rules, { dryRun = false, identities, signal } = {}) {
      const answer = await send<RulesApplied>(transport, {
        method: 'PUT',
        path: `/api/v1/rules${dryRun ? '?dryRun=true' : ''}`,
        body: identities === undefined ? { rules } : { rules, identities },
        signal,
        timeoutMs,
        // The same list twice ends in the same rules: safe to send again when no answer came.
        retryUnanswered: true,
      });
      return answer.body;
    },
  };
}
