import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { type AppUnderTest, type StartOptions, startTestApp, type TestApp } from './harness.ts';
import type { StoredMessage } from './slack-double.ts';

export const CHANNEL = 'C0APPROVAL';
export const REQUESTER = 'U0REQUEST1';
export const APPROVER_A = 'U0APPROVA1';
export const APPROVER_B = 'U0APPROVB1';
export const GROUP_MEMBER = 'U0ONCALL01';
export const OUTSIDER = 'U0OUTSIDE1';
export const GROUP = 'S0ONCALL01';
export const API_KEY = `ci-${randomBytes(16).toString('hex')}`;
export const OTHER_KEY = `deploy-${randomBytes(16).toString('hex')}`;

/** A Greenlight wired for the request lifecycle: a default route, approvers (one via a group), two API keys. */
export async function startLifecycleApp(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestApp> {
  const t = await startTestApp(
    {
      APPROVAL_CHANNEL: CHANNEL,
      APPROVERS: `${APPROVER_A},${APPROVER_B},${GROUP}`,
      REQUIRED_APPROVALS: '1',
      SERVICE_API_KEYS: `ci:${API_KEY},deploy:${OTHER_KEY}`,
      MIN_TTL_SECONDS: '1',
      ...env,
    },
    options,
  );
  if (options.slack === undefined) seedSlack(t);
  return t;
}

export function seedSlack(t: AppUnderTest): void {
  t.slack.addChannel(CHANNEL);
  t.slack.addUser({ id: REQUESTER, name: 'rita', email: 'rita@example.com' });
  t.slack.addUser({ id: APPROVER_A, name: 'alice', email: 'alice@example.com' });
  t.slack.addUser({ id: APPROVER_B, name: 'bob', email: 'bob@example.com' });
  t.slack.addUser({ id: GROUP_MEMBER, name: 'olga', email: 'olga@example.com' });
  t.slack.addUser({ id: OUTSIDER, name: 'oscar', email: 'oscar@example.com' });
  t.slack.addUsergroup(GROUP, [GROUP_MEMBER]);
}

export const VALID_BODY = {
  action: 'db.drop_table',
  resource: 'prod/customers',
  reason: 'Table replaced by customers_v2; drop frees 2 TB',
  requester: { slackUserId: REQUESTER },
  environment: 'production',
  risk: 'high',
  context: { ticket: 'OPS-1234', rows: 1200000, backup_verified: true },
};

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the service API with a key (default: the `ci` key). */
export async function api<T = Record<string, unknown>>(
  t: AppUnderTest,
  method: string,
  path: string,
  init: { body?: unknown; rawBody?: string; key?: string | null; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  const key = init.key === undefined ? API_KEY : init.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${t.baseUrl}/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as T, headers: res.headers };
}

export type ApiRequest = {
  id: string;
  status: string;
  expiresAt: string;
  votes: Array<{ voter: string; decision: string; reason: string | null }>;
  decision: { status: string; by: string; reason: string | null } | null;
  audit?: Array<{ type: string; actor: { type: string; id: string | null }; details: Record<string, unknown> }>;
  slack: { channel: string; messageTs: string | null; error: string | null };
  route: { channel: string; approvers: string[]; requiredApprovals: number };
};

export async function createViaApi(t: AppUnderTest, overrides: Record<string, unknown> = {}): Promise<ApiRequest> {
  const res = await api<ApiRequest>(t, 'POST', '/requests', { body: { ...VALID_BODY, ...overrides } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} not reached within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Resolves once `queue` has nothing waiting, running or delayed: every job added so far has
 * finished. The positive signal to wait for before asserting that a job did nothing more. (Not for
 * the timers queue: the reconciler's repeatable job is always delayed there.)
 */
export async function waitForQueueIdle(queue: Queue, timeoutMs = 10_000): Promise<void> {
  await eventually(
    async () => {
      const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized', 'waiting-children');
      return Object.values(counts).every((count) => count === 0);
    },
    timeoutMs,
    `queue ${queue.name} idle`,
  );
}

/** The card message for a request in `channel`, as the double holds it now. */
export function cardOf(t: AppUnderTest, requestId: string, channel = CHANNEL): StoredMessage | undefined {
  return [...t.slack.messages.values()].find(
    (m) => m.channel === channel && m.thread_ts === undefined && JSON.stringify(m.blocks ?? []).includes(requestId),
  );
}

export async function waitForCard(t: AppUnderTest, requestId: string, channel = CHANNEL): Promise<StoredMessage> {
  return eventually(() => cardOf(t, requestId, channel), 5000, `card for ${requestId}`);
}

type CardButton = { action_id: string; value?: string; style?: string; text: { text: string }; confirm?: unknown };

function actionsIn(message: StoredMessage, blockId: string): CardButton[] {
  return (message.blocks ?? [])
    .filter((b) => (b as { type: string }).type === 'actions' && (b as { block_id?: string }).block_id === blockId)
    .flatMap((b) => (b as { elements: CardButton[] }).elements);
}

/** The decision buttons (Approve, Deny) a card shows: none once it is decided. */
export function buttonsOf(message: StoredMessage): CardButton[] {
  return actionsIn(message, 'decision');
}

/** The grant buttons a card (Revoke access, while approved) or an outcome DM (Show grant) shows. */
export function grantButtonsOf(message: StoredMessage): CardButton[] {
  return actionsIn(message, 'grant');
}

/** Messages the bot sent to a user's DM (conversations.open then chat.postMessage). */
export function dmsTo(t: AppUnderTest, user: string): string[] {
  const dmChannels = new Set(
    t.slack
      .callsOf('conversations.open')
      .filter((c) => c.args.users === user && c.response.ok)
      .map((c) => (c.response.channel as { id: string }).id),
  );
  return t.slack
    .callsOf('chat.postMessage')
    .filter((c) => dmChannels.has(String(c.args.channel)) && c.response.ok)
    .map((c) => String(c.args.text));
}

/** Ephemeral texts shown to a user. */
export function ephemeralsTo(t: AppUnderTest, user: string): string[] {
  return t.slack
    .callsOf('chat.postEphemeral')
    .filter((c) => c.args.user === user)
    .map((c) => String(c.args.text));
}

/** Presses a card button as `user`. */
export async function click(
  t: AppUnderTest,
  user: string,
  actionId: 'approve_request' | 'deny_request',
  requestId: string,
) {
  const card = await waitForCard(t, requestId);
  return t.sender.blockAction({
    user_id: user,
    action_id: actionId,
    value: requestId,
    channel_id: CHANNEL,
    message_ts: card.ts,
    block_id: 'decision',
  });
}

/** Denies as an approver does: Deny on the card, then the reason modal submitted with `reason`. */
export async function denyWithReason(t: AppUnderTest, user: string, requestId: string, reason: string): Promise<void> {
  await click(t, user, 'deny_request', requestId);
  const opened = await t.slack.waitForCall('views.open', (c) => JSON.stringify(c.args.view).includes(requestId));
  const submitted = await t.sender.viewSubmission({
    user_id: user,
    callback_id: 'deny_reason_modal',
    private_metadata: (opened.args.view as { private_metadata: string }).private_metadata,
    values: { reason: { reason: { type: 'plain_text_input', value: reason } } },
  });
  if (submitted.status !== 200) throw new Error(`the deny reason modal answered ${submitted.status}`);
}
