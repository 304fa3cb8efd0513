import express, { Router } from 'express';
import type { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { CoreDeps } from '../../services/ports.ts';
import { checkInput } from '../../services/requests/input.ts';
import { TERRAFORM_VERIFICATION_TOKEN, ZRunTaskEnvelope, ZRunTaskRun } from '../../services/terraform/payload.ts';
import { receiveRunTask } from '../../services/terraform/receive.ts';
import { requireSignedDelivery } from '../auth-gate.ts';
import type { ClientLimits } from '../rate-limits.ts';
import { hmacMatches } from './hmac-signature.ts';

export { TERRAFORM_VERIFICATION_TOKEN };

/**
 * True when `signature` (the `X-TFC-Task-Signature` header) is the hex HMAC-SHA512 of the raw body
 * with `key`, compared in constant time. A header of the wrong length or not hex is simply false.
 */
export function validRunTaskSignature(body: Buffer, signature: string | undefined, key: string): boolean {
  return signature !== undefined && hmacMatches('sha512', key, body, signature.trim());
}

/** Parses with `schema` (and the storable-text check) or throws the 400 listing every field at fault. */
function parseOr400<T>(schema: z.ZodType<T>, json: unknown): T {
  const checked = checkInput(schema, json);
  if (checked.success) return checked.data;
  throw new AppError('validation_failed', 'not a run task request', checked.problems);
}

/**
 * `POST /integrations/terraform/run-task`: where HCP Terraform / Terraform Enterprise sends run
 * task requests. Off (503 `not_configured`) without TERRAFORM_RUN_TASK_HMAC_KEY; every delivery
 * must carry a valid `X-TFC-Task-Signature` (else 401, nothing written; counted per address as a
 * failed authentication, and signed ones against RATE_LIMIT_WEBHOOKS_PER_MINUTE: see
 * requireSignedDelivery). The endpoint verification
 * delivery is answered 200. A real run becomes a request (services/terraform/receive.ts) and is
 * answered 200 at once; its result is PATCHed back later by the `terraform.report` job — `running`
 * now, `passed`/`failed` on the decision, or `failed` at once when no request could be made. A
 * repeated delivery of the same run and stage is answered 200 and creates nothing. The access token
 * is never logged.
 */
export function terraformRunTaskRoutes(deps: CoreDeps, limits: ClientLimits): Router {
  const hmacKey = deps.config.TERRAFORM_RUN_TASK_HMAC_KEY;
  const router = Router();
  const raw = express.raw({ limit: '256kb', type: () => true });
  router.post('/integrations/terraform/run-task', raw, async (req, res) => {
    if (hmacKey === undefined) {
      throw new AppError('not_configured', 'Terraform run tasks are off: set TERRAFORM_RUN_TASK_HMAC_KEY');
    }
    const body: unknown = req.body;
    const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    const signed = validRunTaskSignature(bytes, req.get('x-tfc-task-signature'), hmacKey);
    await requireSignedDelivery(limits, 'terraform', req, res, signed, 'missing or wrong X-TFC-Task-Signature');
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new AppError('bad_request', 'the body is not JSON');
    }
    const delivery = parseOr400(ZRunTaskEnvelope, json);
    if (delivery.access_token === TERRAFORM_VERIFICATION_TOKEN) {
      deps.logger.info({ taskResultId: delivery.task_result_id }, 'terraform run task: endpoint verified');
      res.status(200).json({});
      return;
    }
    const run = parseOr400(ZRunTaskRun, json);
    await receiveRunTask(deps, run);
    res.status(200).json({});
  });
  return router;
}
