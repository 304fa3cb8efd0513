import type { KnownBlock } from '@slack/types';
import type { RequestRow } from '../../services/requests/store.ts';
import { ACTION_IDS } from '../ids.ts';
import { slackDate } from './kit/date.ts';
import { formatDuration } from './kit/duration.ts';
import { button } from './kit/elements.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { messageLink } from './kit/links.ts';
import { section } from './kit/text.ts';
import { workflowRef } from './workflow-ref.ts';

type Question = RequestRow['questions'][number];

const quote = (text: string) => `>${truncate(escapeMrkdwn(text), 2500).replaceAll('\n', '\n>')}`;
const what = (request: RequestRow) =>
  `\`${truncate(escapeMrkdwn(request.action), 200)}\` on \`${truncate(escapeMrkdwn(request.resource), 300)}\``;
const cardLink = (request: RequestRow) =>
  request.messageTs === null
    ? `<#${request.channelId}>`
    : `<${messageLink(request.channelId, request.messageTs)}|the card>`;

/** Where the deadline stands after the question: moved (by how much) or not. */
function deadlineLine(request: RequestRow, question: Question): string {
  return question.extendedBySeconds > 0
    ? `The deadline moved by ${formatDuration(question.extendedBySeconds)} to ${slackDate(request.expiresAt)}.`
    : `The deadline stays ${slackDate(request.expiresAt)}.`;
}

/** The question in the card's thread, mentioning the requester. */
export function questionThreadText(request: RequestRow, question: Question): string {
  return `:question: <@${question.asker}> needs more information from <@${request.requesterSlackId}>:\n${quote(question.question)}\n${deadlineLine(request, question)}`;
}

/** The requester's DM: the question, with **Reply**. */
export function questionDm(request: RequestRow, question: Question): { text: string; blocks: KnownBlock[] } {
  const text = `:question: <@${question.asker}> has a question about your request for ${what(request)} (${cardLink(request)}):\n${quote(question.question)}\n${deadlineLine(request, question)}`;
  return {
    text,
    blocks: [
      section(text),
      {
        type: 'actions',
        block_id: 'needs_info',
        elements: [button('Reply', ACTION_IDS.replyQuestion, workflowRef(request.id, question.id), 'primary')],
      },
    ],
  };
}

/** The answer in the card's thread, mentioning the asker. */
export function answerThreadText(request: RequestRow, question: Question): string {
  return `:speech_balloon: <@${request.requesterSlackId}> answered <@${question.asker}>:\n${quote(question.answer ?? '')}`;
}

/** The asker's DM: the answer to their question. */
export function answerDmText(request: RequestRow, question: Question): string {
  return `:speech_balloon: <@${request.requesterSlackId}> answered your question about ${what(request)} (${cardLink(request)}):\n${quote(question.question)}\n${quote(question.answer ?? '')}`;
}
