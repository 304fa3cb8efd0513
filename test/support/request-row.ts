import type { RequestRow } from '../../src/services/requests/store.ts';

/** A complete request row as the store returns it (pending, from the API), for unit tests of renderers. */
export function requestRow(overrides: Partial<RequestRow> = {}): RequestRow {
  const now = new Date('2026-11-23T10:00:00Z');
  return {
    id: '7f1c1a52-5a8e-4f0e-9d7e-2b1f7a3c9e10',
    status: 'pending',
    version: 0,
    source: 'api',
    action: 'db.drop_table',
    resource: 'prod/customers',
    environment: 'production',
    risk: 'high',
    reason: 'Replaced by customers_v2',
    context: { ticket: 'OPS-1' },
    paramsHash: 'h',
    requesterSlackId: 'U0REQUEST1',
    requesterEmail: null,
    apiClientId: null,
    idempotencyKey: null,
    idempotencyHash: null,
    callbackUrl: null,
    ruleId: null,
    ruleName: null,
    channelId: 'C0APPROVAL',
    approverIds: ['U0APPROVA1'],
    requiredApprovals: 1,
    requireReason: false,
    grantSeconds: null,
    messageTs: null,
    cardVersion: null,
    threadRepliedAt: null,
    outcomeDmAt: null,
    slackError: null,
    expiresAt: new Date(now.getTime() + 900_000),
    decidedAt: null,
    decidedBy: null,
    decisionReason: null,
    grantExpiresAt: null,
    executedAt: null,
    grantId: null,
    grantKid: null,
    grantToken: null,
    grantEndedAt: null,
    grantEndedBy: null,
    grantEndReason: null,
    grantEndRepliedAt: null,
    grantEndDmAt: null,
    callbacksStoppedAt: null,
    workflow: {},
    createdAt: now,
    updatedAt: now,
    votes: [],
    ...overrides,
  };
}

/** The same request approved by U0APPROVA1 at 10:05 with a 15-minute grant window; `overrides` move it on. */
export function approvedRow(overrides: Partial<RequestRow> = {}): RequestRow {
  return requestRow({
    status: 'approved',
    version: 2,
    decidedAt: new Date('2026-11-23T10:05:00Z'),
    decidedBy: 'U0APPROVA1',
    grantExpiresAt: new Date('2026-11-23T10:20:00Z'),
    grantId: 'grant-jti-1',
    grantKid: 'kid-1',
    grantToken: 'eyJhbGciOiJFZERTQSJ9.payload.signature',
    votes: [{ voterId: 'U0APPROVA1', decision: 'approve', reason: null, createdAt: new Date('2026-11-23T10:05:00Z') }],
    ...overrides,
  });
}
