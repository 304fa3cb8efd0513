import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../support/harness.ts';
import { type ApiRequest, api, createViaApi, eventually, startLifecycleApp } from '../../support/lifecycle.ts';
import { LogCapture } from '../../support/log-capture.ts';

const BURST = 20;

/**
 * What a new user runs first: the app on the embedded database (DATABASE_URL unset). A burst of
 * requests expiring in the same second once raised 08P01/26000/34000 from mixed-up statements and
 * made the reconciler read "pending" as a uuid.
 */
describe('a burst on the embedded database', () => {
  const logs = new LogCapture();
  let dataDir: string;
  let t: TestApp;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'greenlight-data-'));
    t = await startLifecycleApp(
      // An empty DATABASE_URL is unset (empty values are stripped): the embedded PGlite under DATA_DIR.
      { DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      // A database the harness neither creates nor drops: nothing of it is used.
      { database: { name: 'embedded', url: 'postgresql://unused', drop: async () => {} }, logDestination: logs.stream },
    );
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`expires ${BURST} requests due in the same second, each once, with no database error`, async () => {
    const created = await Promise.all(Array.from({ length: BURST }, () => createViaApi(t, { ttlSeconds: 2 })));
    const get = async (id: string) => (await api<ApiRequest>(t, 'GET', `/requests/${id}`)).body;
    const finished = await eventually(
      async () => {
        const all = await Promise.all(created.map((r) => get(r.id)));
        return all.every((r) => r.status === 'expired') ? all : undefined;
      },
      30_000,
      'every request expired',
    );
    for (const request of finished) {
      expect(request.audit?.map((e) => e.type)).toEqual(['request.created', 'request.expired']);
    }
    const errors = logs.lines.filter((line) => (line.level ?? 0) >= 50);
    expect(errors.map((line) => `${line.msg} ${JSON.stringify(line.err ?? '')}`.slice(0, 300))).toEqual([]);
  }, 60_000);
});
