import { describe, expect, it } from 'vitest';
import { describeActor } from '../../../src/cli/greenlight/outcome.ts';

describe('the CLI’s actor phrase', () => {
  it('names a service acting for the requester it named, never as that person', () => {
    expect(describeActor({ type: 'service', id: 'ci', onBehalfOf: 'U0RITA' })).toBe('service ci on behalf of U0RITA');
    expect(describeActor({ type: 'service', id: 'ci' })).toBe('service ci');
    expect(describeActor({ type: 'user', id: 'U0RITA' })).toBe('U0RITA');
  });
});
