import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createGrantKeys } from '../../../src/services/grants/keys.ts';
import { createRequest } from '../../../src/services/requests/create.ts';
import { decide } from '../../../src/services/requests/decide.ts';
import { getRequest } from '../../../src/services/requests/store/reads.ts';
import { createRule, deleteRule } from '../../../src/services/routing/rules-store.ts';
import type { TestApp } from '../../support/harness.ts';
import {
  API_KEY,
  APPROVER_A,
  api,
  createViaApi,
  eventually,
  OTHER_KEY,
  REQUESTER,
  startLifecycleApp,
  VALID_BODY,
} from '../../support/lifecycle.ts';
import { PrivateRedis } from '../../support/private-redis.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

type Json = Record<string, unknown>;
interface Granted extends Json {
  id: string;
  status: string;
  paramsHash: string;
  grant: { token: string; expiresAt: string } | null;
  executedAt: string | null;
}

async function jwksOf(baseUrl: string) {
  const res = await fetch(`${baseUrl}/.well-known/jwks.json`);
  expect(res.status).toBe(200);
  return { set: (await res.json()) as JSONWebKeySet, cacheControl: res.headers.get('cache-control') };
}

/** Flips one claim of a token and keeps its signature: what an attacker can do without the key. */
function alter(token: string, claims: Json): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const body = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), ...claims };
  return [header, Buffer.from(JSON.stringify(body)).toString('base64url'), signature].join('.');
}

describe('grants', () => {
  const t = useTestApp(
    { PUBLIC_URL: 'https://greenlight.test', DEFAULT_GRANT_SECONDS: '600' },
    { start: startLifecycleApp },
  );

  async function approved(overrides: Json = {}): Promise<Granted> {
    const created = await createViaApi(t, overrides);
    await decide(t.app.deps, { requestId: created.id, userId: APPROVER_A, decision: 'approve' });
    const res = await api<Granted>(t, 'GET', `/requests/${created.id}`);
    expect(res.body.status).toBe('approved');
    return res.body;
  }

  it('signs an approval with EdDSA: header, every bound claim, and a window that starts at the approval', async () => {
    const request = await approved();
    expect(request.grant).not.toBeNull();
    const token = request.grant?.token as string;
    const header = decodeProtectedHeader(token);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'greenlight-grant+jwt' });
    const { set, cacheControl } = await jwksOf(t.baseUrl);
    expect(cacheControl).toMatch(/max-age=\d+/);
    expect(set.keys.find((key) => key.kid === header.kid)).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(set.keys.every((key) => key.d === undefined)).toBe(true);
    const { payload } = await jwtVerify(token, createLocalJWKSet(set), {
      issuer: 'https://greenlight.test',
      audience: 'ci',
      typ: 'greenlight-grant+jwt',
      algorithms: ['EdDSA'],
    });
    const row = await getRequest(t.app.db, request.id);
    expect(payload).toMatchObject({
      sub: request.id,
      jti: row?.grantId,
      action: VALID_BODY.action,
      resource: VALID_BODY.resource,
      environment: VALID_BODY.environment,
      params_hash: request.paramsHash,
      requester: REQUESTER,
      approved_by: [APPROVER_A],
      rule: null,
    });
    const decidedAt = Math.floor((row?.decidedAt?.getTime() ?? 0) / 1000);
    expect(payload.iat).toBe(decidedAt);
    expect(payload.nbf).toBe(decidedAt);
    expect(payload.exp).toBe(decidedAt + 600);
    expect(new Date(request.grant?.expiresAt as string).getTime()).toBe((payload.exp as number) * 1000);
  });

  it('shows the grant to the owning client only', async () => {
    const request = await approved();
    expect((await api(t, 'GET', `/requests/${request.id}`, { key: OTHER_KEY })).status).toBe(404);
  });

  it('refuses a token with any bound claim altered, for another request, or signed by an unknown key', async () => {
    const request = await approved();
    const other = await approved();
    const token = request.grant?.token as string;
    const { set } = await jwksOf(t.baseUrl);
    const forged: Json[] = [
      { sub: other.id },
      { action: 'db.truncate' },
      { resource: 'prod/orders' },
      { environment: 'staging' },
      { params_hash: 'x'.repeat(64) },
      { exp: Math.floor(Date.now() / 1000) + 86_400 },
    ];
    for (const claims of forged) {
      const altered = alter(token, claims);
      await expect(jwtVerify(altered, createLocalJWKSet(set))).rejects.toThrow();
      const res = await api(t, 'POST', `/requests/${request.id}/execute`, { body: { grant: altered } });
      expect(res.status, JSON.stringify(claims)).toBe(422);
      expect(res.body).toMatchObject({ error: { code: 'invalid_grant' } });
    }
    // A real grant, but for another request.
    const crossed = await api(t, 'POST', `/requests/${request.id}/execute`, {
      body: { grant: other.grant?.token },
    });
    expect(crossed.status).toBe(422);
    // Well-formed and signed, by a key this service never had (same kid as ours, even).
    const { privateKey } = generateKeyPairSync('ed25519');
    const stranger = await new SignJWT({ action: VALID_BODY.action })
      .setProtectedHeader({
        alg: 'EdDSA',
        typ: 'greenlight-grant+jwt',
        kid: decodeProtectedHeader(token).kid as string,
      })
      .setSubject(request.id)
      .setIssuer('https://greenlight.test')
      .setExpirationTime('5m')
      .sign(privateKey);
    const unknown = await api(t, 'POST', `/requests/${request.id}/execute`, { body: { grant: stranger } });
    expect(unknown.status).toBe(422);
    expect((await getRequest(t.app.db, request.id))?.status).toBe('approved');
    const audit = await t.app.db.auditEvent.findMany({ where: { requestId: request.id, type: 'execute.refused' } });
    expect(audit).toHaveLength(forged.length + 2);
  });

  it('executes exactly once under 20 concurrent calls', async () => {
    const request = await approved();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        api<Granted>(t, 'POST', `/requests/${request.id}/execute`, { body: { grant: request.grant?.token } }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0]?.body).toMatchObject({ status: 'executed', grant: null });
    expect(ok[0]?.body.executedAt).toEqual(expect.any(String));
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.body).toMatchObject({ error: { code: 'already_executed' } });
    const events = await t.app.db.auditEvent.findMany({ where: { requestId: request.id, type: 'request.executed' } });
    expect(events).toHaveLength(1);
  });

  it('execute: another client’s request is not found; a pending one conflicts', async () => {
    const request = await approved();
    const foreign = await api(t, 'POST', `/requests/${request.id}/execute`, {
      key: OTHER_KEY,
      body: { grant: request.grant?.token },
    });
    expect(foreign.status).toBe(404);
    const pending = await createViaApi(t);
    const early = await api(t, 'POST', `/requests/${pending.id}/execute`, { body: { grant: request.grant?.token } });
    expect(early.status).toBe(422);
    const empty = await api(t, 'POST', `/requests/${request.id}/execute`, { body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: { fields: [{ path: 'grant' }] } });
  });

  it('revokes by API: the grant cannot be spent after, and a second revoke says so', async () => {
    const request = await approved();
    expect((await api(t, 'POST', `/requests/${request.id}/revoke`, { key: OTHER_KEY, body: {} })).status).toBe(404);
    const res = await api<Granted>(t, 'POST', `/requests/${request.id}/revoke`, { body: { reason: 'wrong cluster' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'revoked',
      grant: null,
      grantEnd: { status: 'revoked', by: 'service:ci', reason: 'wrong cluster' },
    });
    const spend = await api(t, 'POST', `/requests/${request.id}/execute`, { body: { grant: request.grant?.token } });
    expect(spend.status).toBe(409);
    expect(spend.body).toMatchObject({ error: { code: 'revoked' } });
    const again = await api(t, 'POST', `/requests/${request.id}/revoke`, { body: {} });
    expect(again.body).toMatchObject({ error: { code: 'revoked' } });
    const events = await t.app.db.auditEvent.findMany({ where: { requestId: request.id, type: 'request.revoked' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: 'service', actorId: 'ci' });
  });

  it('reports how the executed command ended, into the audit trail', async () => {
    const request = await approved();
    const early = await api(t, 'POST', `/requests/${request.id}/result`, { body: { exitCode: 0, durationMs: 5 } });
    expect(early.status).toBe(409);
    await api(t, 'POST', `/requests/${request.id}/execute`, { body: { grant: request.grant?.token } });
    const res = await api(t, 'POST', `/requests/${request.id}/result`, { body: { exitCode: 3, durationMs: 1520 } });
    expect(res.status).toBe(200);
    const events = await t.app.db.auditEvent.findMany({ where: { requestId: request.id, type: 'execution.reported' } });
    expect(events.map((e) => e.details)).toEqual([{ exitCode: 3, signal: null, durationMs: 1520 }]);
  });

  it('a Slack request’s grant is for the audience `slack`; an auto-approved request has its grant at once', async () => {
    const { request: asked } = await createRequest(
      t.app.deps,
      { ...VALID_BODY, risk: 'high', requesterSlackId: REQUESTER, requesterEmail: null, context: {} },
      { actor: { type: 'user', id: REQUESTER } },
    );
    await decide(t.app.deps, { requestId: asked.id, userId: APPROVER_A, decision: 'approve' });
    const slackGrant = (await getRequest(t.app.db, asked.id))?.grantToken as string;
    const jwks = createLocalJWKSet((await jwksOf(t.baseUrl)).set);
    expect((await jwtVerify(slackGrant, jwks)).payload).toMatchObject({ aud: 'slack', sub: asked.id });

    const rule = await createRule(
      t.app.deps,
      { type: 'user', id: 'U0ADMIN001' },
      ruleInput({
        name: 'reads',
        actionPatterns: ['db.read'],
        outcome: 'auto_approve',
        approvers: [],
        requiredApprovals: 1,
      }),
    );
    try {
      const auto = await api<Granted>(t, 'POST', '/requests', { body: { ...VALID_BODY, action: 'db.read' } });
      expect(auto.body.status).toBe('approved');
      const { payload } = await jwtVerify(auto.body.grant?.token as string, jwks);
      expect(payload).toMatchObject({ aud: 'ci', rule: 'reads', approved_by: [] });
    } finally {
      await deleteRule(t.app.deps, { type: 'user', id: 'U0ADMIN001' }, rule.id);
    }
  });
});

describe('grant lapse, rotation and keys across instances', () => {
  let redis: PrivateRedis | undefined;
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0).reverse()) await app.close();
    await redis?.close();
    redis = undefined;
  });

  async function approve(t: TestApp): Promise<Granted> {
    const created = await createViaApi(t);
    await decide(t.app.deps, { requestId: created.id, userId: APPROVER_A, decision: 'approve' });
    return (await api<Granted>(t, 'GET', `/requests/${created.id}`)).body;
  }

  it('lapses an unused grant from its timer; spending it after says lapsed', async () => {
    const t = await startLifecycleApp({ DEFAULT_GRANT_SECONDS: '10' });
    apps.push(t);
    const request = await approve(t);
    const lapsed = await eventually(
      async () => ((await getRequest(t.app.db, request.id))?.status === 'lapsed' ? true : undefined),
      20_000,
      'grant lapsed',
    );
    expect(lapsed).toBe(true);
    const row = await getRequest(t.app.db, request.id);
    expect(row?.grantEndedAt?.getTime()).toBeGreaterThanOrEqual(row?.grantExpiresAt?.getTime() ?? Infinity);
    expect(row?.grantEndedBy).toBe('system');
    const spend = await api(t, 'POST', `/requests/${request.id}/execute`, { body: { grant: request.grant?.token } });
    expect(spend.status).toBe(409);
    expect(spend.body).toMatchObject({ error: { code: 'lapsed' } });
  });

  it('after a Redis flush and a restart, the reconciler lapses what is due', async () => {
    redis = await PrivateRedis.start();
    const env = { REDIS_URL: redis.url, DEFAULT_GRANT_SECONDS: '10', RECONCILE_INTERVAL_SECONDS: '1' };
    const first = await startLifecycleApp(env);
    const request = await approve(first);
    // Stop it, keep its database and Slack double; lose every timer.
    const { database, slack } = first;
    await first.app.close();
    await redis.flushAll();
    const second = await startLifecycleApp(env, { database, slack });
    apps.push(second, first);
    await eventually(
      async () => ((await getRequest(second.app.db, request.id))?.status === 'lapsed' ? true : undefined),
      25_000,
      'grant lapsed after restart',
    );
  });

  it('instances agree on the keys; rotation keeps old tokens valid until they expire', async () => {
    let offsetMs = 0;
    const now = () => new Date(Date.now() + offsetMs);
    const a = await startLifecycleApp({ DEFAULT_GRANT_SECONDS: '600' }, { now });
    apps.push(a);
    const b = await startLifecycleApp({ DEFAULT_GRANT_SECONDS: '600' }, { database: a.database, slack: a.slack, now });
    apps.push(b);
    const before = await jwksOf(a.baseUrl);
    expect((await jwksOf(b.baseUrl)).set).toEqual(before.set);
    expect(before.set.keys).toHaveLength(1);

    const old = await approve(a);
    const oldKid = decodeProtectedHeader(old.grant?.token as string).kid;
    const newKid = await a.app.deps.grants.keys.rotate();
    expect(newKid).not.toBe(oldKid);
    const fresh = await approve(a);
    expect(decodeProtectedHeader(fresh.grant?.token as string).kid).toBe(newKid);

    const both = await jwksOf(b.baseUrl);
    expect(both.set.keys.map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    // The old token still verifies offline and can be spent, through the other instance.
    await jwtVerify(old.grant?.token as string, createLocalJWKSet(both.set));
    const spent = await fetch(`${b.baseUrl}/api/v1/requests/${old.id}/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ grant: old.grant?.token }),
    });
    expect(spent.status).toBe(200);

    // Once every token the old key signed has expired, it leaves the key set.
    offsetMs = 11 * 60 * 1000;
    expect((await jwksOf(a.baseUrl)).set.keys.map((k) => k.kid)).toEqual([newKid]);
  });

  it('rotates on its own once the signing key is older than GRANT_KEY_ROTATION_DAYS', async () => {
    const t = await startLifecycleApp({ GRANT_KEY_ROTATION_DAYS: '30' });
    apps.push(t);
    const current = (await t.app.deps.grants.keys.signingKey()).kid;
    const later = (days: number) =>
      createGrantKeys({
        db: t.app.db,
        box: t.app.deps.box,
        rotationDays: 30,
        now: () => new Date(Date.now() + days * 24 * 3600 * 1000),
      });
    expect((await later(29).signingKey()).kid).toBe(current);
    const rotated = (await later(31).signingKey()).kid;
    expect(rotated).not.toBe(current);
    const rows = await t.app.db.grantKey.findMany();
    expect(rows.find((row) => row.kid === current)?.retiredAt).not.toBeNull();
    expect(rows.find((row) => row.kid === rotated)?.retiredAt).toBeNull();
  });

  it('keeps private keys encrypted at rest, and refuses to start with another ENCRYPTION_KEY', async () => {
    const t = await startLifecycleApp();
    apps.push(t);
    const rows = await t.app.db.grantKey.findMany();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.privateKey).not.toMatch(/PRIVATE KEY|MC4CAQAw/);
    await expect(
      startLifecycleApp(
        { ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') },
        { database: t.database, slack: t.slack },
      ),
    ).rejects.toThrow(/ENCRYPTION_KEY/);
  });
});
