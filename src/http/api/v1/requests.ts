import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import type { ClientActor } from '../../../domain/actor.ts';
import { hashJson } from '../../../domain/params-hash.ts';
import { AppError } from '../../../errors.ts';
import { auditRefusedRead } from '../../../services/audit/refused-read.ts';
import { acceptCallbackUrl } from '../../../services/callbacks/accept.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { cancelRequest } from '../../../services/requests/cancel.ts';
import { createRequest } from '../../../services/requests/create.ts';
import { executeRequest } from '../../../services/requests/execute.ts';
import { checkInput } from '../../../services/requests/input.ts';
import { reportResult } from '../../../services/requests/report-result.ts';
import { requestExtension } from '../../../services/requests/request-extension.ts';
import { revokeGrant } from '../../../services/requests/revoke.ts';
import { getAuditTrail, getRequest, type RequestRow } from '../../../services/requests/store/reads.ts';
import { lookupSlackUser } from '../../../services/slack-users.ts';
import { clientOf } from './auth.ts';
import { toRequestJson } from './request-json.ts';
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

/** Resolves who the request is for: a Slack user id checked with users.info, or an e-mail looked up in Slack. */
async function resolveRequester(
  deps: CoreDeps,
  requester: { slackUserId?: string | undefined; email?: string | undefined },
): Promise<{ slackUserId: string; email: string | null }> {
  try {
    if (requester.slackUserId !== undefined) {
      const user = await lookupSlackUser(deps, { id: requester.slackUserId });
      if (user.deleted)
        throw new AppError('unprocessable', `requester ${requester.slackUserId} is deactivated in Slack`);
      return { slackUserId: requester.slackUserId, email: user.email };
    }
    const email = requester.email as string;
    const user = await lookupSlackUser(deps, { email });
    if (user.deleted) throw new AppError('unprocessable', `requester ${email} is deactivated in Slack`);
    return { slackUserId: user.id, email };
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'user_not_found' || code === 'users_not_found') {
      const who = requester.slackUserId ?? requester.email;
      throw new AppError('unprocessable', `requester ${who} was not found in this Slack workspace`, [
        {
          path: requester.slackUserId ? 'requester.slackUserId' : 'requester.email',
          message: 'is not a member of this Slack workspace',
        },
      ]);
    }
    throw new AppError(
      'slack_unavailable',
      'could not reach Slack to resolve the requester; retry with the same Idempotency-Key',
    );
  }
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

  router.post('/requests', requireJson, json, async (req, res) => {
    const client = clientOf(req);
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey !== undefined && !ZIdempotencyKey.safeParse(idempotencyKey).success) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters', [
        { path: 'Idempotency-Key', message: 'must be 1–255 visible ASCII characters' },
      ]);
    }
    const body = parseBody(schema, req.body);
    // Refused before anything else is looked up: a callback that could never be signed or sent.
    if (body.callbackUrl !== undefined) await acceptCallbackUrl(deps, client.id, body.callbackUrl);
    const requester = await resolveRequester(deps, body.requester);
    const { request, replayed } = await createRequest(
      deps,
      {
        action: body.action,
        resource: body.resource,
        reason: body.reason,
        requesterSlackId: requester.slackUserId,
        requesterEmail: requester.email,
        environment: body.environment ?? null,
        risk: body.risk,
        context: body.context,
        ...(body.ttlSeconds === undefined ? {} : { ttlSeconds: body.ttlSeconds }),
        callbackUrl: body.callbackUrl ?? null,
        breakGlass: body.breakGlass === true ? { reason: body.breakGlassReason as string } : null,
      },
      {
        actor: { type: 'service', id: client.name, clientId: client.id },
        ...(idempotencyKey === undefined ? {} : { idempotency: { key: idempotencyKey, bodyHash: hashJson(req.body) } }),
      },
    );
    if (replayed) res.setHeader('idempotent-replayed', 'true');
    res.status(201).location(`/api/v1/requests/${request.id}`).json(toRequestJson(request));
  });

  router.get('/requests/:id', async (req, res) => {
    const client = clientOf(req);
    const id = String(req.params.id);
    const waitSeconds = parseWait(req.query.wait);
    // Ownership never changes, so someone else's request is audited on the first read only.
    const load = async (first = false) => {
      const request = await getRequest(deps.db, id);
      if (request !== null && request.apiClientId !== client.id && first) {
        await auditRefusedRead(deps, id, { type: 'service', id: client.name, clientId: client.id });
      }
      if (request === null || request.apiClientId !== client.id) throw new AppError('not_found', `no request ${id}`);
      return request;
    };
    let request = await load(true);
    if (request.status === 'pending' && waitSeconds > 0) {
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const deadline = Date.now() + waitSeconds * 1000;
      // Subscribe first, then re-read, so a decision between the two reads is never missed.
      while (request.status === 'pending' && Date.now() < deadline && !abort.signal.aborted) {
        const changed = deps.changes.waitForChange(id, deadline - Date.now(), abort.signal);
        request = await load();
        if (request.status !== 'pending') break;
        if (!(await changed)) break;
        request = await load();
      }
    }
    res.json(toRequestJson(request, await getAuditTrail(deps.db, id)));
  });

  /**
   * `POST /requests/:id/<verb>`: the body checked against `schema` (`optionalBody`: no body is `{}`), the
   * use case run on behalf of the calling client, the request answered as it now stands.
   */
  const change = <T>(
    verb: string,
    schema: z.ZodType<T>,
    optionalBody: boolean,
    run: (input: { requestId: string; actor: ClientActor; body: T }) => Promise<RequestRow>,
  ) => {
    const checks = optionalBody ? [json] : [requireJson, json];
    router.post(`/requests/:id/${verb}`, ...checks, async (req: Request, res: Response) => {
      const client = clientOf(req);
      const body = parseBody(schema, optionalBody ? (req.body ?? {}) : req.body);
      const actor: ClientActor = { type: 'service', id: client.name, clientId: client.id };
      res.json(toRequestJson(await run({ requestId: String(req.params.id), actor, body })));
    });
  };
  change('cancel', ZCancelBody, true, ({ requestId, actor, body }) =>
    cancelRequest(deps, { requestId, actor, reason: body.reason || null }),
  );
  change('execute', ZExecuteBody, false, ({ requestId, actor, body }) =>
    executeRequest(deps, { requestId, actor, token: body.grant }),
  );
  change('revoke', ZRevokeBody, true, ({ requestId, actor, body }) =>
    revokeGrant(deps, { requestId, actor, reason: body.reason || null }),
  );
  change('extend', ZExtendBody, false, ({ requestId, actor, body }) =>
    requestExtension(deps, { requestId, actor, seconds: body.seconds, reason: body.reason }),
  );
  change('result', ZResultBody, false, ({ requestId, actor, body }) =>
    reportResult(deps, { requestId, actor, result: body }),
  );

  return router;
}
