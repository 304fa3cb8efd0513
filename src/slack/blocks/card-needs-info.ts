import type { KnownBlock } from '@slack/types';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { ACTION_IDS } from '../ids.ts';
import { button } from './kit/elements.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { context, section } from './kit/text.ts';

/** The most questions a card lists (the newest); the thread has them all. */
const SHOWN = 3;

/** Whether the request waits on an answer: a question nobody answered yet (the API's `needsInfo`). */
export function openQuestions(request: Pick<RequestRow, 'questions'>): RequestRow['questions'] {
  return request.questions.filter((q) => q.answeredAt === null);
}

/**
 * The card's needs-info part: the latest questions and whether they were answered, and — while
 * pending — **Ask a question** for the routed approvers (checked when pressed). Shown on every
 * pending card: a rule without `needsInfo` still lets approvers ask; the form says the deadline stays.
 */
export function needsInfoCardBlocks(request: RequestRow): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const shown = request.questions.slice(-SHOWN);
  if (shown.length > 0) {
    const lines = shown.map((q) => {
      const asked = `<@${q.asker}>: ${truncate(escapeMrkdwn(q.question), 300)}`;
      return q.answeredAt === null
        ? `:question: *Needs info* — ${asked} _(waiting for <@${request.requesterSlackId}>)_`
        : `:speech_balloon: ${asked}\n> ${truncate(escapeMrkdwn(q.answer ?? ''), 300)}`;
    });
    blocks.push(section(lines.join('\n')));
    if (request.questions.length > SHOWN) {
      blocks.push(context(`…and ${request.questions.length - SHOWN} earlier questions (see the thread).`));
    }
  }
  if (request.status === 'pending') {
    blocks.push({
      type: 'actions',
      block_id: 'needs_info',
      elements: [button('Ask a question', ACTION_IDS.askQuestion, request.id)],
    });
  }
  return blocks;
}
