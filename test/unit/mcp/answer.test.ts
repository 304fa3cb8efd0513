import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import {
  describeAnswer,
  type TApprovalAnswer,
  toolAnswer,
  toolRefusal,
  ZApprovalAnswer,
} from '../../../src/mcp/answer.ts';

const PENDING: TApprovalAnswer = {
  requestId: '5b0c4c8e-4f1a-4d5e-9a53-0d6a1f1e2b3c',
  status: 'pending',
  action: 'db.drop_table',
  resource: 'prod/customers',
  environment: 'production',
  cardUrl: null,
  expiresAt: '2026-12-07T01:30:00.000Z',
  decision: null,
  grant: null,
  executedAt: null,
};
const ANA = { type: 'user' as const, id: 'U0ANA00001', name: 'Ana' };
const decided = (status: TApprovalAnswer['status'], extra: Partial<TApprovalAnswer> = {}): TApprovalAnswer => ({
  ...PENDING,
  status,
  decision: { by: ANA, reason: null, at: '2026-12-07T01:02:03.000Z' },
  ...extra,
});

describe('what the model reads', () => {
  it('tells it to wait while pending, and how', () => {
    expect(describeAnswer(PENDING)).toMatch(/^Pending: .*Do not act yet; call wait_for_approval/);
  });

  it('on a deny, who and why, and not to act', () => {
    const text = describeAnswer(
      decided('denied', { decision: { by: ANA, reason: 'use the staging database first', at: PENDING.expiresAt } }),
    );
    expect(text).toBe(
      'Denied by Ana: use the staging database first. Do not perform db.drop_table on prod/customers (production).',
    );
  });

  it('on an approval, to spend the grant first, and until when', () => {
    const grant = { token: 'eyJ.x.y', expiresAt: '2026-12-07T01:17:03.000Z' };
    expect(describeAnswer(decided('approved', { grant }))).toMatch(
      /^Approved by Ana\. You may now perform db\.drop_table .*call execute_grant .*expires at 2026-12-07T01:17:03\.000Z\./,
    );
  });

  it('never invites the action once it can no longer be done', () => {
    for (const status of ['expired', 'cancelled', 'revoked', 'lapsed'] as const) {
      expect(describeAnswer(decided(status)), status).toMatch(/Do not perform/);
    }
    expect(describeAnswer(decided('executed', { executedAt: PENDING.expiresAt }))).toMatch(/cannot be used again/);
  });

  it('answers a sentence, the JSON, and structured content that matches the output schema', () => {
    const result = toolAnswer(PENDING);
    expect(ZApprovalAnswer.safeParse(result.structuredContent).success).toBe(true);
    expect(JSON.parse((result.content[1] as { text: string }).text)).toEqual(PENDING);
  });
});

describe('refusals', () => {
  const logger = pino({ level: 'silent' });

  it('say why, with the fields at fault and the code', () => {
    const refusal = toolRefusal(
      { logger },
      new AppError('validation_failed', 'the arguments are invalid', [{ path: 'reason', message: 'is required' }]),
    );
    expect(refusal).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'the arguments are invalid (reason: is required) [validation_failed]' }],
    });
  });

  it('keep what went wrong inside to the log', () => {
    const refusal = toolRefusal({ logger }, new Error('connection to 10.0.0.5:5432 refused'));
    expect(JSON.stringify(refusal)).not.toContain('10.0.0.5');
    expect(refusal.isError).toBe(true);
  });
});
