import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type CreateRequestInput,
  createClient,
  GRANT_TYPE,
  type GrantExpectation,
  GrantVerificationError,
  GreenlightError,
  type RequestJson,
  verifyGrant,
} from '../../../src/client/index.ts';
import { API_KEY, APPROVER_A, click, startLifecycleApp, VALID_BODY } from '../../support/lifecycle.ts';
import { freePort } from '../../support/process.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const INPUT = VALID_BODY as CreateRequestInput;

describe('the typed client against the service', () => {
  const t = useTestApp({}, { start: startLifecycleApp });
  const client = () => createClient({ baseUrl: `${t.baseUrl}/`, apiKey: API_KEY });
  const jwksUrl = () => `${t.baseUrl}/.well-known/jwks.json`;
  const expectation = (request: RequestJson): GrantExpectation => ({
    action: INPUT.action,
    resource: INPUT.resource,
    environment: INPUT.environment ?? null,
    params: INPUT.context ?? {},
    requestId: request.id,
  });

  /** A request approved in Slack, as the client's wait returns it. */
  async function approved(): Promise<RequestJson> {
    const created = await client().request(INPUT);
    await click(t, APPROVER_A, 'approve_request', created.id);
    const request = await client().wait(created.id, { timeoutMs: 20_000 });
    expect(request.status).toBe('approved');
    return request;
  }

  it('asks, waits through long polls for the approval, verifies the grant offline, executes and reports', async () => {
    const c = client();
    const created = await c.request(INPUT, { idempotencyKey: `client-${randomUUID()}` });
    expect(created).toMatchObject({ status: 'pending', action: INPUT.action, replayed: false, grant: null });

    const polls: string[] = [];
    const waiting = c.wait(created.id, { timeoutMs: 20_000, onPoll: (request) => polls.push(request.status) });
    await click(t, APPROVER_A, 'approve_request', created.id);
    const request = await waiting;
    expect(request.status).toBe('approved');
    expect(polls.at(-1)).toBe('approved');
    const token = request.grant?.token as string;

    const claims = await verifyGrant(token, { jwksUrl: jwksUrl(), expect: expectation(request) });
    expect(claims).toMatchObject({ sub: request.id, aud: 'ci', action: INPUT.action, params_hash: request.paramsHash });
    await expect(
      verifyGrant(token, { jwksUrl: jwksUrl(), issuer: claims.iss, audience: 'ci', expect: expectation(request) }),
    ).resolves.toMatchObject({ sub: request.id });

    expect((await c.execute(request.id, token)).status).toBe('executed');
    const again = await c.execute(request.id, token).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(GreenlightError);
    expect(again).toMatchObject({ status: 409, code: 'already_executed' });

    await c.reportResult(request.id, { exitCode: 3, durationMs: 1200 });
    const audit = (await c.get(request.id)).audit ?? [];
    expect(audit.find((event) => event.type === 'execution.reported')?.details).toEqual({
      exitCode: 3,
      signal: null,
      durationMs: 1200,
    });
  });

  it('verifyGrant refuses a grant for another action, resource, environment, parameters, request, issuer or audience', async () => {
    const request = await approved();
    const token = request.grant?.token as string;
    const refused = async (options: Partial<Parameters<typeof verifyGrant>[1]>, change: Partial<GrantExpectation>) => {
      const error = await verifyGrant(token, {
        jwksUrl: jwksUrl(),
        ...options,
        expect: { ...expectation(request), ...change },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GrantVerificationError);
      return (error as GrantVerificationError).claim;
    };
    expect(await refused({}, { action: 'db.truncate' })).toBe('action');
    expect(await refused({}, { resource: 'prod/orders' })).toBe('resource');
    expect(await refused({}, { environment: 'staging' })).toBe('environment');
    expect(await refused({}, { environment: null })).toBe('environment');
    expect(await refused({}, { params: { ...INPUT.context, rows: 1 } })).toBe('params_hash');
    // A number and its string are different parameters.
    expect(await refused({}, { params: { ...INPUT.context, rows: '1200000' } })).toBe('params_hash');
    expect(await refused({}, { requestId: randomUUID() })).toBe('sub');
    expect(await refused({ issuer: 'https://greenlight.example.com' }, {})).toBe('iss');
    expect(await refused({ audience: 'deploy' }, {})).toBe('aud');
  });

  it('verifyGrant refuses an altered token and a key the service does not publish', async () => {
    const request = await approved();
    const token = request.grant?.token as string;
    const claimOf = async (candidate: string) => {
      const error = await verifyGrant(candidate, { jwksUrl: jwksUrl(), expect: expectation(request) }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GrantVerificationError);
      return (error as GrantVerificationError).claim;
    };
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const widened = Buffer.from(
      JSON.stringify({ ...decodeJwt(token), resource: 'prod/customers', approved_by: ['U0ATTACKER'] }),
    ).toString('base64url');
    expect(await claimOf(`${header}.${widened}.${signature}`)).toBe('signature');
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(await claimOf(`${header}.${payload}.${flipped}`)).toBe('signature');
    expect(await claimOf('not-a-token')).toBe('token');

    // Same claims, signed by a key of our own under a kid the service never published.
    const { privateKey } = await generateKeyPair('EdDSA');
    const forge = (kid: string) =>
      new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'EdDSA', kid, typ: GRANT_TYPE }).sign(privateKey);
    expect(await claimOf(await forge('not-a-published-kid'))).toBe('kid');
    // The service's own kid on our key: the signature gives it away.
    const kid = decodeProtectedHeader(token).kid as string;
    expect(await claimOf(await forge(kid))).toBe('signature');
  });

  it('cancels a pending request and revokes an approved grant', async () => {
    const c = client();
    const pending = await c.request(INPUT);
    expect(await c.cancel(pending.id, 'not needed')).toMatchObject({
      status: 'cancelled',
      decision: { reason: 'not needed' },
    });
    const request = await approved();
    expect(await c.revoke(request.id, 'changed our mind')).toMatchObject({
      status: 'revoked',
      grantEnd: { reason: 'changed our mind' },
      grant: null,
    });
    const executed = await c.execute(request.id, request.grant?.token as string).catch((e: unknown) => e);
    expect(executed).toMatchObject({ status: 409, code: 'revoked' });
  });

  it('replays a create with the same Idempotency-Key', async () => {
    const c = client();
    const key = `client-${randomUUID()}`;
    const first = await c.request(INPUT, { idempotencyKey: key });
    const second = await c.request(INPUT, { idempotencyKey: key });
    expect(second).toMatchObject({ id: first.id, replayed: true });
  });

  it('wait resolves with the pending request when its time is up, and rejects with the reason when aborted', async () => {
    const c = client();
    const created = await c.request(INPUT);
    expect((await c.wait(created.id, { timeoutMs: 1500 })).status).toBe('pending');
    const controller = new AbortController();
    const waiting = c.wait(created.id, { signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it('reports refusals as GreenlightError with status, code, message and fields', async () => {
    const bad = await client()
      .request({ ...INPUT, action: 'drop table!' })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(GreenlightError);
    expect(bad).toMatchObject({ status: 400, code: 'validation_failed', retryAfter: null });
    expect((bad as GreenlightError).fields.map((field) => field.path)).toEqual(['action']);

    const missing = await client()
      .get(randomUUID())
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });

    const unauthorized = await createClient({ baseUrl: t.baseUrl, apiKey: 'wrong' })
      .get(randomUUID())
      .catch((e: unknown) => e);
    expect(unauthorized).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('tells an unreachable service apart (code unreachable, status 0), after retrying reads', async () => {
    const port = await freePort();
    let calls = 0;
    const counting = createClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKey: API_KEY,
      retries: 2,
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    const error = await counting.get(randomUUID()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GreenlightError);
    expect(error).toMatchObject({ status: 0, code: 'unreachable', unreachable: true });
    expect(calls).toBe(3);
    // A create without an Idempotency-Key is never sent twice: a lost answer could mean it was made.
    calls = 0;
    await counting.request(INPUT).catch(() => {});
    expect(calls).toBe(1);
  });
});
