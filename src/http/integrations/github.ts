import express, { Router } from 'express';
import { AppError } from '../../errors.ts';
import { githubApp } from '../../services/github/app-client.ts';
import { ZProtectionRuleEvent } from '../../services/github/event.ts';
import { receiveProtectionRule } from '../../services/github/receive.ts';
import type { CoreDeps } from '../../services/ports.ts';
import { checkInput } from '../../services/requests/input.ts';
import { requireSignedDelivery } from '../auth-gate.ts';
import type { ClientLimits } from '../rate-limits.ts';
import { hmacMatches } from './hmac-signature.ts';

/** GitHub sends at most 25 MB; a protection rule event is a few tens of KB. */
const BODY_LIMIT = '1mb';

/**
 * True when `signature` (`X-Hub-Signature-256`) is `sha256=` and the hex HMAC-SHA256 of the raw body
 * bytes with the webhook secret, as GitHub computes it.
 */
export function validGithubSignature(body: Buffer, signature: string | undefined, secret: string): boolean {
  return signature?.startsWith('sha256=') === true && hmacMatches('sha256', secret, body, signature.slice(7));
}

/**
 * `POST /integrations/github/webhook`: where the Greenlight GitHub App receives its webhooks. Off
 * (503 `not_configured`) unless GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_WEBHOOK_SECRET are
 * set. Every delivery must carry a valid `X-Hub-Signature-256` over the raw body bytes, else 401
 * and nothing is written; per address, bad signatures count as failed authentications and signed
 * deliveries against RATE_LIMIT_WEBHOOKS_PER_MINUTE (see requireSignedDelivery). A
 * `deployment_protection_rule` event with
 * action `requested` becomes an approval request through the normal create path (202); a repeat
 * of a delivery, or of a run's environment while its request is pending, creates nothing (200,
 * `duplicate`), and a re-run after the decision is a new request (services/github/accept.ts). Other events are
 * acknowledged and ignored. The route checks the transport and answers; services/github/receive.ts
 * does the rest, and reports back to GitHub go through the Effects port, so the answer does not wait on them.
 */
export function githubWebhookRoutes(deps: CoreDeps, limits: ClientLimits): Router {
  const router = Router();
  const secret = deps.config.GITHUB_WEBHOOK_SECRET;
  const raw = express.raw({ limit: BODY_LIMIT, type: () => true });
  router.post('/integrations/github/webhook', raw, async (req, res) => {
    const app = githubApp(deps.config);
    if (secret === undefined || app === null) {
      throw new AppError(
        'not_configured',
        'GitHub deployment protection rules are off: set GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_WEBHOOK_SECRET',
      );
    }
    const body: unknown = req.body;
    const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    const signed = validGithubSignature(bytes, req.get('x-hub-signature-256'), secret);
    if (!signed) {
      deps.logger.warn({ delivery: req.get('x-github-delivery') }, 'github webhook: bad or missing signature, refused');
    }
    await requireSignedDelivery(limits, 'github', req, res, signed, 'missing or wrong X-Hub-Signature-256');
    const name = req.get('x-github-event');
    const deliveryId = req.get('x-github-delivery');
    if (name === 'ping') {
      res.status(200).json({ ok: true });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new AppError('bad_request', 'the body is not JSON');
    }
    const action = (json as { action?: unknown } | null)?.action;
    if (name !== 'deployment_protection_rule' || action !== 'requested') {
      res.status(202).json({ ignored: `${name ?? 'unknown'}${typeof action === 'string' ? `.${action}` : ''}` });
      return;
    }
    if (deliveryId === undefined || deliveryId.trim() === '' || deliveryId.length > 200) {
      throw new AppError('validation_failed', 'not a GitHub delivery', [
        { path: 'X-GitHub-Delivery', message: 'is required' },
      ]);
    }
    const parsed = checkInput(ZProtectionRuleEvent, json);
    if (!parsed.success) {
      throw new AppError('validation_failed', 'not a deployment protection rule event', parsed.problems);
    }
    const event = parsed.data;
    const accepted = await receiveProtectionRule(deps, app, deliveryId, event);
    if (accepted.outcome === 'duplicate') {
      res.status(200).json({ duplicate: true, requestId: accepted.requestId });
      return;
    }
    if (accepted.outcome === 'refused') {
      res.status(202).json({ refused: accepted.why });
      return;
    }
    const { request } = accepted;
    res.status(202).json({ requestId: request.id, status: request.status });
  });
  return router;
}
