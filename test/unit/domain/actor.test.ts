import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Actor, actingFor, actorKey, onBehalfOfDetails, parseActorKey } from '../../../src/domain/actor.ts';

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

describe('a service acting for the requester it named', () => {
  it('is the service, on behalf of a Slack requester, in the actor and in the audit details', () => {
    const acting = actingFor({ type: 'service', id: 'ci', clientId: 'c1' }, 'U0RITA');
    expect(acting).toEqual({ type: 'service', id: 'ci', clientId: 'c1', onBehalfOf: 'U0RITA' });
    expect(actorKey(acting)).toBe('service:ci');
    expect(onBehalfOfDetails(acting)).toEqual({ onBehalfOf: 'user:U0RITA' });
  });

  it('leaves people, rules and Greenlight as they are, and names no unlinked GitHub login', () => {
    fc.assert(
      fc.property(actor, (a) => {
        if (a.type !== 'service') expect(actingFor(a, 'U0RITA')).toEqual(a);
        expect(onBehalfOfDetails(actingFor(a, 'github:octo'))).toEqual({});
      }),
    );
  });
});
