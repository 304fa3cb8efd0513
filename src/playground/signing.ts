import { createHmac } from 'node:crypto';

/**
 * Signs a request body exactly as Slack does: `v0=` + HMAC-SHA256(secret, `v0:<timestamp>:<body>`),
 * in the two headers Bolt's receiver verifies. The Playground signs what it sends into the app with
 * it; the tests' Slack sender uses the same function.
 */
export function signSlackRequest(
  signingSecret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): { 'x-slack-request-timestamp': string; 'x-slack-signature': string } {
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}
