import type { Actor } from '../../domain/actor.ts';
import { AppError, type FieldError } from '../../errors.ts';
import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';
import type { AwayRow } from './away-store.ts';

/** The furthest ahead an away status may reach: a forgotten one must not silently reroute for years. */
export const MAX_AWAY_DAYS = 366;

export interface AwayInput {
  userId: string;
  until: Date | null;
  delegateId: string | null;
}

/** What is wrong with an away status, by field (`until`, `delegate`); empty when it may be saved. */
export function awayProblems(input: AwayInput, now: Date): FieldError[] {
  const problems: FieldError[] = [];
  if (input.until === null || Number.isNaN(input.until.getTime())) {
    problems.push({ path: 'until', message: 'Choose the date and time you are back.' });
  } else if (input.until <= now) {
    problems.push({ path: 'until', message: 'Choose a time in the future.' });
  } else if (input.until.getTime() - now.getTime() > MAX_AWAY_DAYS * 86_400_000) {
    problems.push({ path: 'until', message: `Choose a time within ${MAX_AWAY_DAYS} days.` });
  }
  if (input.delegateId !== null && input.delegateId === input.userId) {
    problems.push({ path: 'delegate', message: 'Choose someone other than yourself, or nobody.' });
  }
  return problems;
}

/**
 * Sets (or replaces) the user's away status: until when, and who decides in their place. Requests
 * created from now on skip them (routing, away-routing.ts); requests already routed are unchanged.
 * Audited as `away.set`. Refused with field errors (`validation_failed`) and nothing changed when invalid.
 */
export async function setAway(deps: Pick<CoreDeps, 'db' | 'now' | 'away'>, input: AwayInput): Promise<AwayRow> {
  const now = deps.now();
  const problems = awayProblems(input, now);
  if (problems.length > 0 || input.until === null) {
    throw new AppError('validation_failed', problems[0]?.message ?? 'invalid away status', problems);
  }
  const until = input.until;
  const actor: Actor = { type: 'user', id: input.userId };
  const result = await deps.db.$transaction(async (tx) => {
    const data = { awayUntil: until, delegateId: input.delegateId, setAt: now };
    const row = await tx.awayStatus.upsert({
      where: { slackUserId: input.userId },
      create: { slackUserId: input.userId, ...data },
      update: data,
    });
    await recordAudit(tx, {
      type: 'away.set',
      actor,
      details: { user: input.userId, until: until.toISOString(), delegate: input.delegateId },
    });
    return row;
  });
  // Routing reads who is away from memory: every instance reloads it now.
  await deps.away.changed();
  return result;
}
