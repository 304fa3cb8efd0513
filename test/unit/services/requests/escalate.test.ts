import { describe, expect, it } from 'vitest';
import { addEscalatedApprovers } from '../../../../src/services/requests/escalate.ts';

const REQUEST = { requesterSlackId: 'UREQ', approverIds: ['UA', 'UB', 'UC'] };

describe('addEscalatedApprovers', () => {
  it('adds new people (never the requester, nobody twice) to the approvers', () => {
    expect(addEscalatedApprovers(REQUEST, ['UX', 'UREQ', 'UA', 'UX'])).toEqual({
      approverIds: ['UA', 'UB', 'UC', 'UX'],
      stageApprovers: null,
      added: ['UX'],
    });
  });

  it('with stages, they join the current stage only', () => {
    const chain = { stageApprovers: [['UA'], ['UB', 'UC']], current: 0 };
    expect(addEscalatedApprovers(REQUEST, ['UX', 'UY'], chain)).toEqual({
      approverIds: ['UA', 'UB', 'UC', 'UX', 'UY'],
      stageApprovers: [
        ['UA', 'UX', 'UY'],
        ['UB', 'UC'],
      ],
      added: ['UX', 'UY'],
    });
    expect(addEscalatedApprovers(REQUEST, ['UX'], { ...chain, current: 1 }).stageApprovers).toEqual([
      ['UA'],
      ['UB', 'UC', 'UX'],
    ]);
  });

  it('never moves someone routed to another stage into the current one (one person, one stage)', () => {
    const chain = { stageApprovers: [['UA'], ['UB', 'UC']], current: 0 };
    expect(addEscalatedApprovers(REQUEST, ['UB'], chain)).toEqual({
      approverIds: ['UA', 'UB', 'UC'],
      stageApprovers: [['UA'], ['UB', 'UC']],
      added: [],
    });
  });
});
