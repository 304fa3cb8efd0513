import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/services/audit/audit.ts';
import { createRequest } from '../../../src/services/requests/create.ts';
import { getRequest } from '../../../src/services/requests/store/reads.ts';
import { createRule } from '../../../src/services/routing/rules-store.ts';
import { REQUESTER, startLifecycleApp } from '../../support/lifecycle.ts';
import { ruleInput } from '../../support/rules.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const input = {
  action: 'db.drop_table',
  resource: 'prod/customers',
  reason: 'replaced by customers_v2 — “quoted”, \\ backslash, émoji 🚀',
  requesterSlackId: REQUESTER,
  requesterEmail: 'rita@example.com',
  environment: 'production',
  risk: 'high' as const,
  context: { ticket: 'OPS-1', rows: 1200000, verified: true, "it's": 'a "json" {value}' },
  callbackUrl: 'https://ci.example.com/hook',
};

/** The request a create hands to its effects (and the API) is exactly the row PostgreSQL stored. */
describe('creating a request in one statement', () => {
  const t = useTestApp({}, { start: startLifecycleApp });

  it('stores the row it answers with, and a first audit event whose chain verifies', async () => {
    const client = await t.app.db.apiClient.findUniqueOrThrow({ where: { name: 'ci' } });
    const { request } = await createRequest(t.app.deps, input, {
      actor: { type: 'service', id: client.name, clientId: client.id },
      idempotency: { key: 'create-row-1', bodyHash: 'h' },
    });
    expect(await getRequest(t.app.db, request.id)).toEqual(request);
    const events = await t.app.db.auditEvent.findMany({ where: { requestId: request.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.type, e.actorType, e.actorId])).toEqual([['request.created', 'service', 'ci']]);
    expect(await verifyAuditChain(t.app.db, request.id)).toBeNull();
  });

  it('stores a rule’s immediate decision with both its events in order', async () => {
    await createRule(
      t.app.deps,
      { type: 'user', id: 'U0ADMIN001' },
      ruleInput({ name: 'Sandbox', resourcePatterns: ['sandbox/**'], outcome: 'auto_approve', approvers: [] }),
    );
    const { request } = await createRequest(
      t.app.deps,
      { ...input, resource: 'sandbox/x' },
      { actor: { type: 'user', id: REQUESTER } },
    );
    expect(request.status).toBe('approved');
    expect(await getRequest(t.app.db, request.id)).toEqual(request);
    const events = await t.app.db.auditEvent.findMany({ where: { requestId: request.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.type)).toEqual(['request.created', 'request.auto_approved']);
    expect(await verifyAuditChain(t.app.db, request.id)).toBeNull();
  });
});
