import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/harness.ts';
import { hostileString, hostileValue, rawPercent, withKey } from '../support/hostile-values.ts';
import { API_KEY, OTHER_KEY, startLifecycleApp, VALID_BODY } from '../support/lifecycle.ts';

/**
 * Hostile input over HTTP against one running app: whatever arrives, the API never answers 5xx,
 * and a refused request (4xx) creates no request, writes no audit event (but `auth.refused`) and
 * posts nothing to Slack. `FUZZ_RUNS` sets the number of cases generated (default 5,200, what CI
 * runs, so that over 5,000 reach the app after fetch refuses a few header values); `npm run fuzz`
 * runs 50,000. `FUZZ_SEED` replays a run; `FUZZ_PROGRESS=1` logs every 5,000 cases.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 5200);
/** Cases sent at once. */
const BATCH = 8;
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);

interface Case {
  kind: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const FIELDS = [
  'action',
  'resource',
  'reason',
  'environment',
  'risk',
  'ttlSeconds',
  'callbackUrl',
  'requester',
  'context',
  'unknownField',
] as const;

/** A valid body with one field replaced (or removed) by something hostile. */
const mutatedBody = fc
  .record({
    target: fc.oneof(
      fc.constantFrom(...FIELDS).map((field) => ({ at: 'top' as const, field })),
      fc.constantFrom('email', 'slackUserId').map((field) => ({ at: 'requester' as const, field })),
      fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString')).map((key) => ({
        at: 'contextKey' as const,
        field: key,
      })),
      fc.constant({ at: 'contextValue' as const, field: 'ticket' }),
    ),
    value: hostileValue,
    remove: fc.nat(4).map((n) => n === 0),
  })
  .map(({ target, value, remove }) => {
    const body: Record<string, unknown> = { ...VALID_BODY, context: { ...VALID_BODY.context } };
    switch (target.at) {
      case 'top':
        if (remove) delete body[target.field];
        else return withKey(body, target.field, value);
        return body;
      case 'requester':
        return { ...body, requester: withKey({}, target.field, value) };
      case 'contextKey':
        return { ...body, context: withKey(body.context as Record<string, unknown>, target.field, 'v') };
      default:
        return { ...body, context: withKey(body.context as Record<string, unknown>, target.field, value) };
    }
  });

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=klingon',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; boundary=',
  ';;;',
];
const ENCODINGS = ['identity', 'gzip', 'deflate', 'br', 'zstd', 'compress', 'x-unknown', 'gzip, deflate', 'GZIP'];

function encode(body: Uint8Array, encoding: string): Uint8Array {
  switch (encoding.toLowerCase()) {
    case 'gzip':
      return gzipSync(body);
    case 'deflate':
      return deflateSync(body);
    case 'br':
      return brotliCompressSync(body);
    default:
      return body;
  }
}

const authHeader = fc.oneof(
  { arbitrary: fc.constant(`Bearer ${API_KEY}`), weight: 20 },
  fc.constant(`Bearer ${OTHER_KEY}`),
  fc.constantFrom('', 'Bearer', 'Bearer x', `bearer ${API_KEY}`, `Basic ${API_KEY}`, `Bearer ${API_KEY} extra`),
);
/** Header values fetch can send: visible Latin-1 (NUL, CR and LF cannot cross HTTP at all). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
  fc.constantFrom('deploy-4711', 'x'.repeat(255), 'x'.repeat(256), ' padded ', 'ünï'),
);

const createCase: fc.Arbitrary<Case> = fc
  .record({
    body: fc.oneof({ arbitrary: mutatedBody, weight: 5 }, fc.jsonValue({ maxDepth: 4 })),
    auth: authHeader,
    idempotencyKey: fc.option(headerValue, { freq: 4 }),
  })
  .map(({ body, auth, idempotencyKey }) => ({
    kind: 'create',
    method: 'POST',
    path: '/api/v1/requests',
    headers: {
      'content-type': 'application/json',
      ...(auth === '' ? {} : { authorization: auth }),
      ...(idempotencyKey === null ? {} : { 'idempotency-key': idempotencyKey }),
    },
    body: JSON.stringify(body),
  }));

const rawCase: fc.Arbitrary<Case> = fc
  .record({
    payload: fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.constant(new TextEncoder().encode(JSON.stringify(VALID_BODY))),
      fc.nat(200).map((n) => new TextEncoder().encode(JSON.stringify(VALID_BODY).slice(0, n))),
      fc
        .constantFrom('{"__proto__":{"admin":true}}', '[]', '"x"', '1', 'null', '{"action":"\\ud800"}')
        .map((s) => new TextEncoder().encode(s)),
    ),
    contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { freq: 8 }),
    encoding: fc.option(fc.constantFrom(...ENCODINGS), { freq: 2 }),
    compress: fc.boolean(),
  })
  .map(({ payload, contentType, encoding, compress }) => ({
    kind: 'raw',
    method: 'POST',
    path: '/api/v1/requests',
    headers: {
      authorization: `Bearer ${API_KEY}`,
      ...(contentType === null ? {} : { 'content-type': contentType }),
      ...(encoding === null ? {} : { 'content-encoding': encoding }),
    },
    body: encoding !== null && compress ? encode(payload, encoding) : payload,
  }));

const pathId = fc.oneof(
  fc.uuid(),
  fc.constant('00000000-0000-0000-0000-000000000000'),
  fc.string({ unit: fc.constantFrom(...'abcdefxyz0123456789-'), minLength: 36, maxLength: 36 }),
  fc.constantFrom('%E0%A4%A', '%', '%zz', '%00', '%C0%80', '%ED%A0%80', '%FF', 'not-an-id', '..%2F..', '%2e%2e'),
  hostileString.map((s) => rawPercent(s.slice(0, 80))),
  hostileString.map((s) => {
    try {
      return encodeURIComponent(s.slice(0, 80));
    } catch {
      return rawPercent(s.slice(0, 80));
    }
  }),
);
const waitParam = fc.option(
  fc.oneof(
    fc.constantFrom('0', '1', '60', '61', '0x2', '+2', '0b1', '1e1', '%202', '-1', '1.5', '', 'abc', '00', '999'),
    fc.string({ maxLength: 5 }).map(encodeURIComponent),
    fc.constant('1&wait=2'),
    fc.constant('0&wait[]=1'),
  ),
  { freq: 2 },
);

const pathCase: fc.Arbitrary<Case> = fc
  .record({ id: pathId, wait: waitParam, cancel: fc.boolean(), reason: fc.option(hostileValue) })
  .map(
    ({ id, wait, cancel, reason }): Case =>
      cancel
        ? {
            kind: 'cancel',
            method: 'POST' as const,
            path: `/api/v1/requests/${id}/cancel`,
            headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify(reason === null ? {} : { reason }),
          }
        : {
            kind: 'read',
            method: 'GET' as const,
            path: `/api/v1/requests/${id}${wait === null ? '' : `?wait=${wait}`}`,
            headers: { authorization: `Bearer ${API_KEY}` },
          },
  );

const anyCase = fc.oneof(
  { arbitrary: createCase, weight: 5 },
  { arbitrary: rawCase, weight: 2 },
  { arbitrary: pathCase, weight: 2 },
);

function describeCase(c: Case): string {
  const body =
    c.body === undefined
      ? ''
      : typeof c.body === 'string'
        ? c.body.slice(0, 300)
        : `<${c.body.length} bytes ${Buffer.from(c.body.slice(0, 40)).toString('hex')}>`;
  return `${c.method} ${c.path.slice(0, 200)} ${JSON.stringify(c.headers).slice(0, 300)} ${body}`;
}

describe('hostile input over HTTP', () => {
  let t: TestApp;
  let db: pg.Client;
  beforeAll(async () => {
    t = await startLifecycleApp();
    db = new pg.Client({ connectionString: t.database.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const countRequests = async () =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM approval_requests')).rows[0]?.n);

  it(
    `never answers 5xx, and a refused request writes nothing (${RUNS} cases)`,
    async () => {
      const started = Date.now();
      const firstAudit = Number(
        (await db.query<{ n: string | null }>('SELECT max(id) AS n FROM audit_events')).rows[0]?.n ?? 0,
      );
      const slackBefore = t.slack.callsOf('chat.postMessage').length;
      const created = new Set<string>();
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      let sent = 0;
      let skipped = 0;

      /** Sends one case and checks its answer; resolves with the id it created, if any. */
      const send = async (c: Case): Promise<string | undefined> => {
        let res: Response;
        try {
          res = await fetch(`${t.baseUrl}${c.path}`, {
            method: c.method,
            headers: c.headers,
            ...(c.body === undefined ? {} : { body: c.body }),
          });
        } catch (error) {
          // fetch refuses some header values and URLs client-side: nothing reached the app.
          if (error instanceof TypeError) {
            skipped++;
            return undefined;
          }
          throw error;
        }
        sent++;
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const fail = (why: string) => failures.push(`${res.status} ${why}: ${describeCase(c)} → ${text.slice(0, 200)}`);
        if (res.status >= 500) fail('server error');
        if (res.status === 201) return (JSON.parse(text) as { id: string }).id;
        if (res.status >= 400) {
          if (res.headers.get('location') !== null) fail('4xx with a Location');
          let code: unknown;
          try {
            code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
          } catch {
            code = undefined;
          }
          if (typeof code !== 'string') fail('error without a JSON code');
        }
        return undefined;
      };

      // Cases go in batches of BATCH at once (the machine has two cores to share); after each batch
      // the number of requests must have grown by exactly the new ids answered 201.
      await fc.assert(
        fc.asyncProperty(fc.array(anyCase, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          if (process.env.FUZZ_PROGRESS && (sent + skipped) % 5000 < BATCH) {
            console.info(`fuzz: ${sent + skipped} cases after ${((Date.now() - started) / 1000).toFixed(1)} s`);
          }
          const before = await countRequests();
          const ids = await Promise.all(batch.map(send));
          const fresh = new Set(ids.filter((id): id is string => id !== undefined && !created.has(id)));
          for (const id of fresh) created.add(id);
          const grew = (await countRequests()) - before;
          if (grew !== fresh.size) {
            failures.push(`requests grew by ${grew} for ${fresh.size} created: ${batch.map(describeCase).join(' | ')}`);
          }
        }),
        { numRuns: Math.ceil(RUNS / BATCH), seed: SEED, endOnFailure: true },
      );

      // Nothing but the requests answered 201 reached the database or Slack.
      const stray = await db.query<{ type: string; request_id: string | null }>(
        `SELECT type, request_id FROM audit_events WHERE id > $1 AND type <> 'auth.refused'`,
        [firstAudit],
      );
      const strayEvents = stray.rows.filter((row) => row.request_id === null || !created.has(row.request_id));
      // Cards name their request; thread replies (e.g. "Expired" on a long run) hang off those cards.
      // DMs follow only an outcome of a request, and every request is accounted for above.
      const newPosts = t.slack.callsOf('chat.postMessage').slice(slackBefore);
      const cards = newPosts.filter(
        (call) => call.args.thread_ts === undefined && !/^D/.test(String(call.args.channel)),
      );
      const cardTs = new Set(cards.map((call) => String(call.response.ts)));
      const posts = [
        ...cards.filter((call) => ![...created].some((id) => JSON.stringify(call.args.blocks ?? '').includes(id))),
        ...newPosts.filter((call) => call.args.thread_ts !== undefined && !cardTs.has(String(call.args.thread_ts))),
      ];
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.info(
        `fuzz: ${sent} cases sent (seed ${SEED}) in ${seconds} s; ${skipped} refused by fetch; statuses ${JSON.stringify(
          Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
        )}; ${failures.length} failures`,
      );
      expect(failures.slice(0, 15), `seed ${SEED}: ${failures.length} failing cases`).toEqual([]);
      expect(strayEvents).toEqual([]);
      expect(posts).toEqual([]);
      expect(await countRequests()).toBe(created.size);
    },
    60_000 + RUNS * 30,
  );
});
