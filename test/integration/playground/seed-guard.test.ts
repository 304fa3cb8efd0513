import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/queues.ts';
import {
  DEMO_CLIENT_NAME,
  FOREIGN_DATABASE,
  PLAYGROUND_SEEDED,
  resetDemo,
  seedDemo,
} from '../../../src/playground/seed.ts';
import { createApiClient } from '../../../src/services/api-keys/api-keys.ts';
import { createRequest } from '../../../src/services/requests/create.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import { createViaApi, REQUESTER, startLifecycleApp, VALID_BODY, waitForQueueIdle } from '../../support/lifecycle.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

/**
 * The Playground authenticates nobody and makes its demo people admins, and its Reset truncates the
 * append-only audit trail: both must only ever touch a database the Playground made. These run the
 * seed and Reset against a service's real database (as the Playground's startup and its Reset route do).
 */
describe('the Playground seeds and resets only a database it made', () => {
  const t = useTestApp({}, { start: startLifecycleApp, per: 'test' });
  let dataDir = '';
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'gl-seed-guard-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const counts = async () => {
    // What a request's jobs write after it is created (its card, DMs, callbacks) settles first: the
    // counts are of what is stored, not of how far the jobs have got.
    for (const queue of [QUEUES.cards, QUEUES.notify, QUEUES.callbacks])
      await waitForQueueIdle(t.app.jobs.queue(queue));
    const { db } = t.app.deps;
    const [requests, events, rules] = await Promise.all([
      db.approvalRequest.count(),
      db.auditEvent.count(),
      db.routingRule.count(),
    ]);
    return { requests, events, rules };
  };

  it('seeds a database that holds nothing but the configured keys, marks it, and Reset clears and seeds it again', async () => {
    const demo = await seedDemo(t.app.deps, dataDir);
    expect(demo.seeded).toBe(true);
    expect(demo.secret).toMatch(/^gl_/);
    expect(await t.app.deps.db.auditEvent.count({ where: { type: PLAYGROUND_SEEDED } })).toBe(1);
    // A restart finds its own database and leaves it as it is.
    expect(await seedDemo(t.app.deps, dataDir)).toEqual({ secret: demo.secret, seeded: false });

    const again = await resetDemo(t.app.deps, dataDir);
    expect(again.seeded).toBe(true);
    expect(again.secret).not.toBe(demo.secret);
    expect(await t.app.deps.db.auditEvent.count({ where: { type: PLAYGROUND_SEEDED } })).toBe(1);
  });

  it('refuses a database it seeded once that a real workspace has used since, and Reset wipes nothing', async () => {
    // The Playground ran first by mistake; then the Slack settings were set and people used it.
    await seedDemo(t.app.deps, dataDir);
    await createRequest(
      t.app.deps,
      { ...VALID_BODY, risk: 'high', requesterSlackId: REQUESTER, requesterEmail: null, context: {} },
      { actor: { type: 'user', id: REQUESTER } },
    );
    const before = await counts();

    await expect(seedDemo(t.app.deps, dataDir)).rejects.toThrow(FOREIGN_DATABASE);
    await expect(resetDemo(t.app.deps, dataDir)).rejects.toThrow(/not seeded by the Playground/);
    expect(await counts()).toEqual(before);
  });

  it('refuses a database with requests and their audit trail but no rules and no admin keys, and Reset wipes nothing', async () => {
    // A deployment on the default route with SERVICE_API_KEYS only, whose Slack settings went missing.
    await createViaApi(t);
    const before = await counts();
    expect(before.requests).toBe(1);
    expect(before.rules).toBe(0);

    await expect(seedDemo(t.app.deps, dataDir)).rejects.toThrow(FOREIGN_DATABASE);
    await expect(resetDemo(t.app.deps, dataDir)).rejects.toThrow(/not seeded by the Playground/);
    expect(await counts()).toEqual(before);
  });

  it('refuses a database where an admin made a key named like the demo key, and Reset wipes nothing', async () => {
    const admin = { type: 'user', id: 'U0ADMIN001' } as const;
    await createRule(t.app.deps, admin, ruleInput({ name: 'Production deploys' }));
    await createApiClient(t.app.deps, admin, DEMO_CLIENT_NAME, 'request');
    await createViaApi(t);
    const before = await counts();

    await expect(seedDemo(t.app.deps, dataDir)).rejects.toThrow(FOREIGN_DATABASE);
    await expect(resetDemo(t.app.deps, dataDir)).rejects.toThrow(/not seeded by the Playground/);
    expect(await counts()).toEqual(before);
  });
});

describe('a Slack-only deployment (the default route, no rules, no API keys) that lost its Slack settings', () => {
  const t = useTestApp({ SERVICE_API_KEYS: '' }, { start: startLifecycleApp });

  it('is not seeded, so the Playground does not start on it and Reset cannot truncate its audit trail', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gl-seed-guard-'));
    try {
      // What /request-action writes: a person's request, with its audit trail.
      await createRequest(
        t.app.deps,
        { ...VALID_BODY, risk: 'high', requesterSlackId: REQUESTER, requesterEmail: null, context: {} },
        { actor: { type: 'user', id: REQUESTER } },
      );
      const { db } = t.app.deps;
      expect(await db.apiClient.count()).toBe(0);
      expect(await db.routingRule.count()).toBe(0);
      const events = await db.auditEvent.count();
      expect(events).toBeGreaterThan(0);

      await expect(seedDemo(t.app.deps, dataDir)).rejects.toThrow(FOREIGN_DATABASE);
      await expect(resetDemo(t.app.deps, dataDir)).rejects.toThrow(/not seeded by the Playground/);
      expect(await db.approvalRequest.count()).toBe(1);
      expect(await db.auditEvent.count()).toBe(events);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
