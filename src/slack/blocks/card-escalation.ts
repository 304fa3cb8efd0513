import type { KnownBlock } from '@slack/types';
import { escalationsOf } from '../../services/requests/escalate.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { slackDate } from './kit/date.ts';
import { context } from './kit/text.ts';

/** At most this many people named per level on the card (the rest are counted). */
const MAX_NAMED = 20;

/**
 * The card's escalation history: one line per level that fired, "Escalated to @a, @b at <time>"
 * (a level whose people were all asked already says so; delegates asked for away people say for whom). Ten levels at most, so the card stays far
 * below Block Kit's 50 blocks.
 */
export function escalationBlocks(request: Pick<RequestRow, 'escalations'>): KnownBlock[] {
  return escalationsOf(request.escalations).map((record) => {
    const at = Number.isNaN(Date.parse(record.at)) ? '' : ` at ${slackDate(new Date(record.at))}`;
    if (record.approvers.length === 0) {
      return context(
        `:arrow_double_up: Escalated (level ${record.level})${at}: everyone at that level was already asked`,
      );
    }
    const named = record.approvers.slice(0, MAX_NAMED).map((id) => `<@${id}>`);
    const more = record.approvers.length > MAX_NAMED ? ` and ${record.approvers.length - MAX_NAMED} more` : '';
    const stoodIn = (record.away ?? []).filter(
      (note) => note.delegate !== null && record.approvers.includes(note.delegate),
    );
    const away =
      stoodIn.length === 0
        ? ''
        : ` (for ${stoodIn
            .slice(0, MAX_NAMED)
            .map((note) => `<@${note.user}>`)
            .join(', ')}, away)`;
    return context(`:arrow_double_up: Escalated to ${named.join(', ')}${more}${away}${at}`);
  });
}
