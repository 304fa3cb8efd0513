import { describe, expect, it } from 'vitest';
import { questionExtension } from '../../../../src/services/requests/ask-question.ts';

describe('how far a question moves the deadline', () => {
  const createdAt = new Date('2026-12-04T10:00:00Z');
  const at = (seconds: number) => new Date(createdAt.getTime() + seconds * 1000);

  it('moves it by the rule’s extendSeconds while there is room', () => {
    expect(questionExtension({ createdAt, expiresAt: at(600) }, 900, 86_400)).toBe(900);
  });

  it('never past MAX_TTL_SECONDS from creation, however many questions are asked', () => {
    let expiresAt = at(600);
    let moved = 0;
    for (let question = 0; question < 200; question += 1) {
      const seconds = questionExtension({ createdAt, expiresAt }, 900, 86_400);
      moved += seconds;
      expiresAt = new Date(expiresAt.getTime() + seconds * 1000);
    }
    expect(expiresAt).toEqual(at(86_400));
    expect(moved).toBe(86_400 - 600);
    expect(questionExtension({ createdAt, expiresAt }, 900, 86_400)).toBe(0);
  });

  it('gives the part that fits, and nothing for a deadline already beyond the cap', () => {
    expect(questionExtension({ createdAt, expiresAt: at(86_000) }, 900, 86_400)).toBe(400);
    expect(questionExtension({ createdAt, expiresAt: at(90_000) }, 900, 86_400)).toBe(0);
  });
});
