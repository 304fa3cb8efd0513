import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../../errors.ts';

/**
 * The `access_token` HCP Terraform puts in the verification request it sends when a run task is
 * created or edited: a placeholder that is never a valid token (go-tfe / the run task scaffolding
 * call it the verification token). Such a delivery is answered 200 and nothing else happens.
 */
export const TERRAFORM_VERIFICATION_TOKEN = 'test-token';

/** The fields of a run task request this route reads (HCP sends more; they are ignored). */
const ZRunTaskRequest = z.object({
  payload_version: z.literal(1),
  access_token: z.string().min(1),
  stage: z.string().min(1),
  task_result_id: z.string().min(1),
  task_result_callback_url: z.string().min(1),
});

/**
 * True when `signature` (the `X-TFC-Task-Signature` header) is the hex HMAC-SHA512 of the raw body
 * with `key`, compared in constant time. A header of the wrong length or not hex is simply false.
 */
export function validRunTaskSignature(body: Buffer, signature: string | undefined, key: string): boolean {
  if (signature === undefined || !/^[0-9a-f]{128}$/i.test(signature.trim())) return false;
  const expected = createHmac('sha512', key).update(body).digest();
  return timingSafeEqual(Buffer.from(signature.trim(), 'hex'), expected);
}

/**
 * `POST /integrations/terraform/run-task`: where HCP Terraform / Terraform Enterprise sends run
 * task requests. Off (503 `not_configured`) without TERRAFORM_RUN_TASK_HMAC_KEY; every delivery
 * must carry a valid `X-TFC-Task-Signature` (else 401, nothing written). The endpoint verification
 * delivery is answered 200. Gating real runs (a request, a card, the result PATCHed back) is not
 * built yet: those deliveries are refused with 503 so HCP reports the task as errored instead of
 * waiting for a result that would never come. The access token is never logged.
 */
export function terraformRunTaskRoutes(hmacKey: string | undefined, logger: Logger): Router {
  const router = Router();
  const raw = express.raw({ limit: '256kb', type: () => true });
  router.post('/integrations/terraform/run-task', raw, (req, res) => {
    if (hmacKey === undefined) {
      throw new AppError('not_configured', 'Terraform run tasks are off: set TERRAFORM_RUN_TASK_HMAC_KEY');
    }
    const body: unknown = req.body;
    const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    if (!validRunTaskSignature(bytes, req.get('x-tfc-task-signature'), hmacKey)) {
      throw new AppError('unauthorized', 'missing or wrong X-TFC-Task-Signature');
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new AppError('bad_request', 'the body is not JSON');
    }
    const parsed = ZRunTaskRequest.safeParse(json);
    if (!parsed.success) {
      throw new AppError(
        'validation_failed',
        'not a run task request',
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    const delivery = parsed.data;
    if (delivery.access_token === TERRAFORM_VERIFICATION_TOKEN) {
      logger.info({ taskResultId: delivery.task_result_id }, 'terraform run task: endpoint verified');
      res.status(200).json({});
      return;
    }
    logger.warn(
      { taskResultId: delivery.task_result_id, stage: delivery.stage },
      'terraform run task: run gating is not available in this version; delivery refused',
    );
    throw new AppError(
      'not_configured',
      'Terraform run gating is not available in this version of Greenlight (only endpoint verification)',
    );
  });
  return router;
}
