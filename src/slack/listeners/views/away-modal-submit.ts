import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { AppError } from '../../../errors.ts';
import { awayProblems, setAway } from '../../../services/away/set-away.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { AWAY_FIELD_BLOCK, AWAY_FIELDS, readAwayModal } from '../../blocks/away-modal.ts';
import { publishHome } from '../../home-publisher.ts';
import type { TViewSubmission } from '../../payloads.ts';

/**
 * Save in the out-of-office modal: the presser sets their own away status (nobody else's). Problems
 * (no time, a time past or too far ahead, themselves as delegate) show under their input and save
 * nothing; a saved status is audited (`away.set`) and their Home shows it.
 */
export function awayModalSubmitCallback(deps: CoreDeps) {
  return async (
    { ack, client }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>,
    input: TViewSubmission,
  ) => {
    const userId = input.user.id;
    const away = { userId, ...readAwayModal(input.values) };
    const problems = awayProblems(away, deps.now());
    if (problems.length > 0) {
      const errors: Record<string, string> = {};
      for (const problem of problems) errors[AWAY_FIELD_BLOCK[problem.path] ?? AWAY_FIELDS.until] ??= problem.message;
      await ack({ response_action: 'errors', errors });
      return;
    }
    try {
      await setAway(deps, away);
    } catch (error) {
      const message = error instanceof AppError ? error.message : 'Saving failed; please try again.';
      await ack({ response_action: 'errors', errors: { [AWAY_FIELDS.until]: message } });
      if (!(error instanceof AppError)) throw error;
      return;
    }
    await ack();
    await publishHome(deps, client, userId);
  };
}
