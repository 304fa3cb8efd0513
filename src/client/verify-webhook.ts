import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { WebhookEvent } from './types.ts';

/** Request headers as Fetch (`Headers`), Node (`IncomingHttpHeaders`) or a plain object give them. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** A webhook whose signature, id or timestamp did not check out: it must be ignored. */
export class WebhookSignatureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookSignatureError';
  }
}

/** The three Standard Webhooks headers, lower-cased, from any header shape. */
function webhookHeaders(headers: HeaderSource): Record<string, string> {
  const read = (name: string): string => {
    if (headers instanceof Headers) return headers.get(name) ?? '';
    const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
    return Array.isArray(entry) ? (entry[0] ?? '') : (entry ?? '');
  };
  return {
    'webhook-id': read('webhook-id'),
    'webhook-timestamp': read('webhook-timestamp'),
    'webhook-signature': read('webhook-signature'),
  };
}

/**
 * Checks a webhook Greenlight sent to a `callbackUrl` (Standard Webhooks: HMAC over id, timestamp
 * and the raw body, timestamp within five minutes) with the `whsec_…` secret, and returns the
 * parsed `{ type, timestamp, data }`. Pass the body exactly as received, before any JSON parsing.
 * Throws WebhookSignatureError when it does not verify.
 */
export function verifyWebhook<T = unknown>(
  payload: string | Buffer,
  headers: HeaderSource,
  secret: string,
): WebhookEvent<T> {
  let parsed: unknown;
  try {
    parsed = new Webhook(secret).verify(payload, webhookHeaders(headers));
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      throw new WebhookSignatureError(`the webhook does not verify: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const event = parsed as Partial<WebhookEvent<T>> | null;
  if (typeof event?.type !== 'string' || typeof event.timestamp !== 'string' || !('data' in event)) {
    throw new WebhookSignatureError('the webhook verified but is not a Greenlight event ({ type, timestamp, data })');
  }
  return event as WebhookEvent<T>;
}
