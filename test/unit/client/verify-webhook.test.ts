import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookSignatureError } from '../../../src/client/index.ts';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const event = { type: 'request.approved', timestamp: new Date().toISOString(), data: { id: 'r1', status: 'approved' } };

/** A webhook as a Standard Webhooks sender signs it. */
function signed(payload: string, at = new Date(), key = secret) {
  const id = `msg_${randomBytes(8).toString('hex')}`;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(key).sign(id, at, payload),
  };
}

describe('verifyWebhook', () => {
  const payload = JSON.stringify(event);

  it('returns the parsed event, whichever shape the headers come in', () => {
    const headers = signed(payload);
    expect(verifyWebhook(payload, headers, secret)).toEqual(event);
    expect(verifyWebhook(Buffer.from(payload), new Headers(headers), secret)).toEqual(event);
    const nodeStyle = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(verifyWebhook(payload, nodeStyle, secret)).toEqual(event);
  });

  it('refuses an altered body, another secret, a stale timestamp and missing headers', () => {
    const headers = signed(payload);
    expect(() => verifyWebhook(payload.replace('approved', 'denied'), headers, secret)).toThrow(WebhookSignatureError);
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect(() => verifyWebhook(payload, headers, other)).toThrow(WebhookSignatureError);
    const stale = signed(payload, new Date(Date.now() - 10 * 60_000));
    expect(() => verifyWebhook(payload, stale, secret)).toThrow(WebhookSignatureError);
    expect(() => verifyWebhook(payload, {}, secret)).toThrow(WebhookSignatureError);
  });

  it('refuses a signed body that is not a Greenlight event', () => {
    const body = JSON.stringify({ hello: 'world' });
    expect(() => verifyWebhook(body, signed(body), secret)).toThrow(/not a Greenlight event/);
  });
});
