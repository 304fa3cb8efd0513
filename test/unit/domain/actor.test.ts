import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Actor, actorKey, parseActorKey } from '../../../src/domain/actor.ts';

const name = fc.string({ minLength: 1, maxLength: 40 });
const actor: fc.Arbitrary<Actor> = fc.oneof(
  fc.stringMatching(/^[UW][A-Z0-9]{2,12}$/).map((id) => ({ type: 'user' as const, id })),
  name.map((id) => ({ type: 'service' as const, id })),
  name.map((id) => ({ type: 'rule' as const, id })),
  fc.constant({ type: 'system' as const }),
);

describe('actor keys (decided_by, decision.by)', () => {
  it('read back as the actor that wrote them', () => {
    fc.assert(
      fc.property(actor, (a) => {
        expect(parseActorKey(actorKey(a))).toEqual(a);
      }),
    );
  });

  it('keep a user id as Slack prints it, for the API contract', () => {
    expect(actorKey({ type: 'user', id: 'U0ABC' })).toBe('U0ABC');
    expect(actorKey({ type: 'rule', id: 'Staging is fine' })).toBe('rule:Staging is fine');
  });
});
