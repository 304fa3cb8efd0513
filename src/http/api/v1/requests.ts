import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import type { ClientActor } from '../../../domain/actor.ts';
import { hashJson } from '../../../domain/params-hash.ts';
import { AppError } from '../../../errors.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { cancelRequest } from '../../../services/requests/cancel.ts';
import { createForClient } from '../../../services/requests/create-for-client.ts';
import { executeRequest } from '../../../services/requests/execute.ts';
import { readOwnRequest, waitWhilePending } from '../../../services/requests/follow.ts';
import { checkInput } from '../../../services/requests/input.ts';
import { reportResult } from '../../../services/requests/report-result.ts';
import { requestExtension } from '../../../services/requests/request-extension.ts';
import { revokeGrant } from '../../../services/requests/revoke.ts';
import { getAuditTrail, type RequestRow } from '../../../services/requests/store/reads.ts';
import { toRequestJson } from '../../../services/requests/wire/request-json.ts';
import { clientOf } from './auth.ts';
import { API_V1, type Operation, route } from './operation.ts';
import { REQUEST_OPERATIONS } from './operations/requests.ts';
import {
  createRequestSchema,
  MAX_WAIT_SECONDS,
  ZCancelBody,
  ZExecuteBody,
  ZExtendBody,
  ZIdempotencyKey,
  ZResultBody,
  ZRevokeBody,
} from './schemas.ts';

const WAIT = /^\d{1,2}$/;

/**
 * The create answer. A request executed as it was created (`executeOnApproval`) carries its spent
 * grant, only here, so the caller verifies it offline before acting; every later read shows none.
 */
function toCreatedJson(request: RequestRow, executeOnApproval: boolean | undefined) {
  const json = toRequestJson(request);
  const { status, grantToken, grantExpiresAt } = request;
  if (executeOnApproval !== true || status !== 'executed' || grantToken === null || grantExpiresAt === null)
    return json;
  return { ...json, grant: { token: grantToken, expiresAt: grantExpiresAt.toISOString() } };
}

/**
 * `?wait=`: whole seconds written as plain decimal digits, 0 to 60 (`Number()` would also take
 * `0x2`, `+2`, `1e1` and `" 2"`); absent means 0. A repeated parameter is refused, not guessed at.
 */
function parseWait(raw: unknown): number {
  if (raw === undefined) return 0;
  const seconds = typeof raw === 'string' && WAIT.test(raw) ? Number(raw) : Number.NaN;
  if (!(seconds >= 0 && seconds <= MAX_WAIT_SECONDS)) {
    throw new AppError('validation_failed', `wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`, [
      {
        path: 'wait',
        message: Array.isArray(raw)
          ? 'must be given once'
          : `must be a whole number from 0 to ${MAX_WAIT_SECONDS}, in decimal digits`,
      },
    ]);
  }
  return seconds;
}

/** A body checked against its schema, or a field-level 400 that changes nothing. */
function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = checkInput(schema, body);
  if (!parsed.success) throw new AppError('validation_failed', 'the request body is invalid', parsed.problems);
  return parsed.data;
}

/**
 * `/api/v1/requests`: services create, read (and long-poll) and cancel approval requests.
 * Bad input gets a field-level 400 and writes nothing.
 */
export function requestRoutes(deps: CoreDeps): Router {
  const router = Router();
  const schema = createRequestSchema(deps.config);

  const requireJson = (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is('application/json')) {
      throw new AppError('unsupported_media_type', 'send the request body as application/json');
    }
    next();
  };
  const json = express.json({ limit: '64kb', type: () => true });

  route(router, API_V1, REQUEST_OPERATIONS.createRequest, requireJson, json, async (req, res) => {
    const client = clientOf(req);
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey !== undefined && !ZIdempotencyKey.safeParse(idempotencyKey).success) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters', [
        { path: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' },
      ]);
    }
    const body = parseBody(schema, req.body);
    const { request, replayed } = await createForClient(deps, body, {
      actor: { type: 'service', id: client.name, clientId: client.id },
      ...(idempotencyKey === undefined ? {} : { idempotency: { key: idempotencyKey, bodyHash: hashJson(req.body) } }),
    });
    if (replayed) res.setHeader('idempotent-replayed', 'true');
    res.status(201).location(`/api/v1/requests/${request.id}`).json(toCreatedJson(request, body.executeOnApproval));
  });

  route(router, API_V1, REQUEST_OPERATIONS.getRequest, async (req, res) => {
    const client = clientOf(req);
    const id = String(req.params.id);
    const waitSeconds = parseWait(req.query.wait);
    const actor: ClientActor = { type: 'service', id: client.name, clientId: client.id };
    let request = await readOwnRequest(deps, id, actor, true);
    if (waitSeconds > 0) {
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const read = () => readOwnRequest(deps, id, actor, false);
      request = await waitWhilePending(deps, request, read, {
        until: Date.now() + waitSeconds * 1000,
        signal: abort.signal,
      });
    }
    res.json(toRequestJson(request, await getAuditTrail(deps.db, id)));
  });

  /**
   * `POST /requests/:id/<verb>` as `op` declares it: the body checked against `schema` (a body the
   * declaration does not require may be left out: it is `{}`), the use case run on behalf of the
   * calling client, the request answered as it now stands.
   */
  const change = <T>(
    op: Operation,
    schema: z.ZodType<T>,
    run: (input: { requestId: string; actor: ClientActor; body: T }) => Promise<RequestRow>,
  ) => {
    const optionalBody = op.body?.required !== true;
    const checks = optionalBody ? [json] : [requireJson, json];
    route(router, API_V1, op, ...checks, async (req: Request, res: Response) => {
      const client = clientOf(req);
      const body = parseBody(schema, optionalBody ? (req.body ?? {}) : req.body);
      const actor: ClientActor = { type: 'service', id: client.name, clientId: client.id };
      res.json(toRequestJson(await run({ requestId: String(req.params.id), actor, body })));
    });
  };
  change(REQUEST_OPERATIONS.cancelRequest, ZCancelBody, ({ requestId, actor, body }) =>
    cancelRequest(deps, { requestId, actor, reason: body.reason || null }),
  );
  change(REQUEST_OPERATIONS.executeRequest, ZExecuteBody, ({ requestId, actor, body }) =>
    executeRequest(deps, { requestId, actor, token: body.grant }),
  );
  change(REQUEST_OPERATIONS.revokeGrant, ZRevokeBody, ({ requestId, actor, body }) =>
    revokeGrant(deps, { requestId, actor, reason: body.reason || null }),
  );
  change(REQUEST_OPERATIONS.requestExtension, ZExtendBody, ({ requestId, actor, body }) =>
    requestExtension(deps, { requestId, actor, seconds: body.seconds, reason: body.reason }),
  );
  change(REQUEST_OPERATIONS.reportResult, ZResultBody, ({ requestId, actor, body }) =>
    reportResult(deps, { requestId, actor, result: body }),
  );

  return router;
}
