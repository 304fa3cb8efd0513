import { Webhooks } from '@octokit/webhooks';
import express, { Router } from 'express';
import { AppError } from '../../errors.ts';
import { enqueueGithubReport } from '../../jobs/definitions/report-github.ts';
import type { JobDeps } from '../../jobs/queues.ts';
import { acceptProtectionRule } from '../../services/github/accept.ts';
import { githubApp } from '../../services/github/app-client.ts';
import { ZProtectionRuleEvent } from '../../services/github/event.ts';
import { postReview } from '../../services/github/report.ts';
import { fieldErrors } from '../../services/requests/input.ts';

/** GitHub sends at most 25 MB; a protection rule event is a few tens of KB. */
const BODY_LIMIT = '1mb';

/**
 * `POST /integrations/github/webhook`: where the Greenlight GitHub App receives its webhooks. Off
 * (503 `not_configured`) unless GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_WEBHOOK_SECRET are
 * set. Every delivery must carry a valid `X-Hub-Signature-256` over the raw body (checked by
 * @octokit/webhooks), else 401 and nothing is written. A `deployment_protection_rule` event with
 * action `requested` becomes an approval request through the normal create path (202); a repeat
 * of a delivery or of a run's environment creates nothing (200, `duplicate`). Other events are
 * acknowledged and ignored. Reports back to GitHub go through the callbacks queue, so the answer
 * does not wait on them.
 */
export function githubWebhookRoutes(deps: JobDeps): Router {
  const router = Router();
  const secret = deps.config.GITHUB_WEBHOOK_SECRET;
  const webhooks = secret === undefined ? null : new Webhooks({ secret });
  const raw = express.raw({ limit: BODY_LIMIT, type: () => true });
  router.post('/integrations/github/webhook', raw, async (req, res) => {
    const app = githubApp(deps.config);
    if (webhooks === null || app === null) {
      throw new AppError(
        'not_configured',
        'GitHub deployment protection rules are off: set GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_WEBHOOK_SECRET',
      );
    }
    const body: unknown = req.body;
    const text = Buffer.isBuffer(body) ? body.toString('utf8') : '';
    const signature = req.get('x-hub-signature-256');
    if (signature === undefined || !(await webhooks.verify(text, signature).catch(() => false))) {
      deps.logger.warn({ delivery: req.get('x-github-delivery') }, 'github webhook: bad or missing signature, refused');
      throw new AppError('unauthorized', 'missing or wrong X-Hub-Signature-256');
    }
    const name = req.get('x-github-event');
    const deliveryId = req.get('x-github-delivery');
    if (name === 'ping') {
      res.status(200).json({ ok: true });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
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
    const parsed = ZProtectionRuleEvent.safeParse(json);
    if (!parsed.success) {
      throw new AppError('validation_failed', 'not a deployment protection rule event', fieldErrors(parsed.error));
    }
    const event = parsed.data;
    const accepted = await acceptProtectionRule(deps, app, deliveryId, event);
    if (accepted.outcome === 'duplicate') {
      res.status(200).json({ duplicate: true, requestId: accepted.requestId });
      return;
    }
    if (accepted.outcome === 'refused') {
      // No request to hang a retried report on: GitHub hears the reason now, or the run waits for a person.
      const link = await deps.db.githubDeployment.findUniqueOrThrow({ where: { id: accepted.deploymentId } });
      await postReview(app, link, {
        state: 'rejected',
        comment: `Greenlight could not ask for approval: ${accepted.why}`,
      }).catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'github: rejecting an unroutable deployment failed'),
      );
      res.status(202).json({ refused: accepted.why });
      return;
    }
    const { request } = accepted;
    await enqueueGithubReport(deps, {
      requestId: request.id,
      kind: request.status === 'pending' ? 'waiting' : 'decision',
    }).catch((error: unknown) =>
      deps.logger.warn({ err: error, requestId: request.id }, 'github report not queued; the reconciler will retry'),
    );
    res.status(202).json({ requestId: request.id, status: request.status });
  });
  return router;
}
