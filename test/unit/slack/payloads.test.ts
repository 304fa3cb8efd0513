import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { staleAnswer } from '../../../src/slack/listeners/stale.ts';
import { parseMetadata, senderOf, validated, ZBlockActions, ZEnvelope } from '../../../src/slack/payloads.ts';

const press = {
  type: 'block_actions',
  user: { id: 'U0ALICE001' },
  trigger_id: '1.t',
  actions: [{ action_id: 'approve_request', value: 'x' }],
};

describe('Slack payload schemas', () => {
  it('accept what Slack sends and refuse what Bolt would throw on', () => {
    expect(ZEnvelope.safeParse(press).success).toBe(true);
    expect(ZEnvelope.safeParse({ ...press, user: null }).success).toBe(false);
    expect(ZEnvelope.safeParse({ ...press, channel: null }).success).toBe(false);
    expect(ZEnvelope.safeParse({ ...press, actions: [] }).success).toBe(false);
    expect(ZEnvelope.safeParse({ ...press, actions: [{ action_id: 5 }] }).success).toBe(false);
    expect(ZEnvelope.safeParse({ type: 'view_submission', user: { id: 'U0ALICE001' } }).success).toBe(false);
    expect(ZEnvelope.safeParse({ type: 'event_callback', event: 'x' }).success).toBe(false);
    expect(ZEnvelope.safeParse(null).success).toBe(false);
  });

  it('read the sender only when it is a well-formed id', () => {
    expect(senderOf(press)).toBe('U0ALICE001');
    expect(senderOf({ user_id: 'U0ALICE001' })).toBe('U0ALICE001');
    expect(senderOf({ user: { id: 'U0\u0000' } })).toBeUndefined();
    expect(senderOf('x')).toBeUndefined();
  });

  it('parse private_metadata to null when it is not ours any more', () => {
    const schema = z.object({ requestId: z.string() });
    expect(parseMetadata(schema, '{"requestId":"a"}')).toEqual({ requestId: 'a' });
    expect(parseMetadata(schema, '{"requestId":')).toBeNull();
    expect(parseMetadata(schema, '{"requestId":5}')).toBeNull();
    expect(parseMetadata(schema, '')).toBeNull();
  });
});

describe('validated', () => {
  it('runs the handler with the parsed payload, or onInvalid with the error', async () => {
    const seen: string[] = [];
    const listener = validated(
      ZBlockActions,
      async (_args: { body: unknown }, input) => {
        seen.push(`ok ${input.actions[0].action_id}`);
      },
      async (_args, error) => {
        seen.push(`invalid ${error.issues[0]?.path.join('.')}`);
      },
    );
    await listener({ body: press });
    await listener({ body: { ...press, user: {} } });
    expect(seen).toEqual(['ok approve_request', 'invalid user.id']);
  });
});

describe('staleAnswer', () => {
  it('answers each interaction the way Slack expects', () => {
    expect(staleAnswer({ type: 'view_submission' })).toMatchObject({ response_action: 'update' });
    expect(JSON.stringify(staleAnswer({ type: 'view_submission' }))).toContain('This form is out of date');
    expect(staleAnswer({ type: 'block_suggestion' })).toEqual({ options: [] });
    expect(staleAnswer({ type: 'block_actions' })).toBeUndefined();
    expect(staleAnswer(null)).toBeUndefined();
  });
});
