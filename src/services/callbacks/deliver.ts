import { Webhook } from 'standardwebhooks';
import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from '../requests/locking.ts';
import { stopCallbacks } from '../requests/store/changes.ts';
import { getRequest } from '../requests/store/reads.ts';
import { SYSTEM } from '../requests/transition.ts';
import { toRequestJson } from '../requests/wire/request-json.ts';
import { type CallbackStatus, callbackEventType, callbackMessageId, changedAt, wantsCallbacks } from './events.ts';
import { type CallbackTiming, DELIVERY_DONE, type DeliveryOutcome, type RetriedAttempt } from './schedule.ts';
import { callbackSecretFor } from './secrets.ts';
import { type SendResult, sendPinned } from './send.ts';
import { vetCallbackUrl } from './ssrf.ts';

/** The User-Agent of every callback, so receivers can tell them apart in their logs. */
export const CALLBACK_USER_AGENT = 'Greenlight-Webhooks/1';

/** One attempt at one delivery: which request, the status change it reports, and where it stands. */
export interface DeliveryAttempt extends RetriedAttempt {
  requestId: string;
  status: CallbackStatus;
}

type DeliverDeps = CoreDeps & { callbackTiming: CallbackTiming };

/** How an attempt ended, as greenlight_callback_deliveries_total counts it. */
type CountedOutcome = 'delivered' | 'failed' | 'gone' | 'blocked' | 'skipped';

/** Counts one audited attempt; `durationMs` only for an attempt that was sent. */
function count(deps: Pick<CoreDeps, 'metrics'>, outcome: CountedOutcome, final: boolean, durationMs?: number): void {
  deps.metrics.callbackDeliveries.inc({ outcome, final: String(final) });
  if (durationMs !== undefined) deps.metrics.callbackDuration.observe({ outcome }, durationMs / 1000);
}

/**
 * Delivers one callback attempt. The request is loaded now, so the body shows the row as it is at
 * delivery (an `approved` callback carries the grant only while the request is still approved),
 * while `type` names the change being reported. The URL is vetted again (DNS may have changed) and
 * the connection pinned to the vetted addresses. Any 2xx ends the delivery; 410 Gone ends it and
 * stops every later callback of the request; anything else is retried by the caller. Every attempt
 * is audited under the request's row lock, never held across the HTTP call.
 */
export async function deliverCallback(deps: DeliverDeps, input: DeliveryAttempt): Promise<DeliveryOutcome> {
  const { requestId, status, attempt } = input;
  const event = callbackEventType(status);
  const request = await getRequest(deps.db, requestId);
  if (request === null || request.callbackUrl === null || !wantsCallbacks(request)) return DELIVERY_DONE;
  if (await alreadyDelivered(deps, requestId, event)) return DELIVERY_DONE;

  const secret = await callbackSecretFor(deps, request.apiClientId);
  if (secret === null) {
    deps.logger.warn(
      { requestId, event },
      'callback not sent: no CALLBACK_SIGNING_SECRET to sign it (set it, or use an App Home key)',
    );
    await record(deps, requestId, 'callback.skipped', { event, reason: 'no_signing_secret' });
    count(deps, 'skipped', true);
    return DELIVERY_DONE;
  }

  const vetted = await vetCallbackUrl(request.callbackUrl, {
    allowPrivate: deps.config.CALLBACK_ALLOW_PRIVATE_NETWORKS,
  });
  if (!vetted.ok) {
    const retry = vetted.reason === 'unresolvable' && !input.last;
    await record(deps, requestId, 'callback.failed', {
      event,
      attempt,
      status: null,
      durationMs: 0,
      ...(vetted.reason === 'unresolvable'
        ? { error: vetted.code ?? 'ERESOLVE' }
        : { reason: vetted.reason === 'scheme' ? 'scheme_not_allowed' : 'blocked_address' }),
      ...(retry ? {} : { final: true }),
    });
    count(deps, vetted.reason === 'unresolvable' ? 'failed' : 'blocked', !retry);
    return retry ? { done: false, why: vetted.message } : DELIVERY_DONE;
  }

  const sentAt = deps.now();
  const payload = JSON.stringify({
    type: event,
    timestamp: (changedAt(request, status) ?? sentAt).toISOString(),
    // The API's request object is the public contract, so its one builder (HTTP layer) makes `data`.
    data: toRequestJson(request),
  });
  const messageId = callbackMessageId(requestId, status);
  const headers = {
    'content-type': 'application/json',
    'user-agent': CALLBACK_USER_AGENT,
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, sentAt, payload),
  };
  const result = await sendPinned(
    'POST',
    vetted.url,
    vetted.addresses,
    headers,
    payload,
    deps.callbackTiming.attemptTimeoutMs,
  );
  return recordAttempt(deps, input, event, result);
}

/** Audits one attempt's result (and a 410's stop) under the row lock; says whether to retry. */
async function recordAttempt(
  deps: DeliverDeps,
  input: DeliveryAttempt,
  event: string,
  result: SendResult,
): Promise<DeliveryOutcome> {
  const status = 'status' in result ? result.status : null;
  const delivered = status !== null && status >= 200 && status < 300;
  const gone = status === 410;
  const done = delivered || gone || input.last;
  await record(
    deps,
    input.requestId,
    delivered ? 'callback.delivered' : 'callback.failed',
    {
      event,
      attempt: input.attempt,
      status,
      durationMs: result.durationMs,
      ...('error' in result ? { error: result.error } : {}),
      ...(gone ? { reason: 'gone' } : {}),
      ...(!delivered && done ? { final: true } : {}),
    },
    gone,
  );
  count(deps, delivered ? 'delivered' : gone ? 'gone' : 'failed', done, result.durationMs);
  if (done) return DELIVERY_DONE;
  return { done: false, why: 'error' in result ? result.error : `receiver answered ${status}` };
}

/** Whether an earlier run of this delivery already got a 2xx (a repeated job sends nothing twice). */
async function alreadyDelivered(deps: Pick<CoreDeps, 'db'>, requestId: string, event: string): Promise<boolean> {
  const found = await deps.db.auditEvent.findFirst({
    where: { requestId, type: 'callback.delivered', details: { path: ['event'], equals: event } },
    select: { id: true },
  });
  return found !== null;
}

/**
 * Writes a callback audit row under the request's row lock (and, for a 410, stops its callbacks in
 * the same transaction). Locking settles the request's clocks, so a change that brings (an expiry
 * or a lapse) gets its effects like any other.
 */
async function record(
  deps: DeliverDeps,
  requestId: string,
  type: string,
  details: Record<string, unknown>,
  stop = false,
): Promise<void> {
  const locked = await withLockedRequest(deps, requestId, async (tx, current, now) => {
    if (current === null) return null;
    if (stop) await stopCallbacks(tx, requestId, now);
    await recordAudit(tx, { requestId, type, actor: SYSTEM, details });
    return current;
  });
  if (locked?.expiredNow) await deps.effects.requestsChanged([locked.request]);
}
