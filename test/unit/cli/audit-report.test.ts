import { describe, expect, it } from 'vitest';
import { describeAuditReport } from '../../../src/cli/greenlight/audit-report.ts';

describe('an audit report for people', () => {
  it('is one summary line when intact', () => {
    expect(describeAuditReport({ ok: true, chainsChecked: 3, eventsChecked: 12, breaksFound: 0, breaks: [] })).toEqual([
      'audit trail intact: 3 chain(s), 12 event(s) checked, 0 break(s)',
    ]);
  });

  it('names each break’s chain and event, and says how many were not listed', () => {
    const lines = describeAuditReport({
      ok: false,
      chainsChecked: 300,
      eventsChecked: 1200,
      breaksFound: 4,
      breaks: [
        {
          requestId: null,
          eventId: '17',
          kind: 'hash_mismatch',
          previousEventId: '9',
          expected: 'a',
          found: 'b',
          message: 'event 17 does not match its hash: it was altered after it was written',
        },
        {
          requestId: '7f1c0d2e-4b5a-4c3d-8e9f-0a1b2c3d4e5f',
          eventId: null,
          kind: 'missing_chain',
          previousEventId: null,
          expected: null,
          found: null,
          message: 'request 7f1c0d2e-4b5a-4c3d-8e9f-0a1b2c3d4e5f has no audit events: its whole chain is missing',
        },
      ],
    });
    expect(lines).toEqual([
      'broken: global chain, event 17 (hash_mismatch): event 17 does not match its hash: it was altered after it was written',
      'broken: request 7f1c0d2e-4b5a-4c3d-8e9f-0a1b2c3d4e5f (missing_chain): request 7f1c0d2e-4b5a-4c3d-8e9f-0a1b2c3d4e5f has no audit events: its whole chain is missing',
      '… and 2 more broken chain(s), not listed',
      'audit trail BROKEN: 300 chain(s), 1200 event(s) checked, 4 break(s)',
    ]);
  });
});
