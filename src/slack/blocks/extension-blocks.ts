import type { Button, KnownBlock, ModalView } from '@slack/types';
import { grantLifetimeEnd, MIN_EXTENSION_SECONDS } from '../../services/requests/request-extension.ts';
import type { RequestRow } from '../../services/requests/store.ts';
import { ACTION_IDS, CALLBACK_IDS } from '../ids.ts';
import { describeActorKey } from './kit/actor.ts';
import { slackDate } from './kit/date.ts';
import { formatDuration } from './kit/duration.ts';
import { button, confirm } from './kit/elements.ts';
import { option, select, textInput } from './kit/inputs.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { context, plain, section } from './kit/text.ts';
import { workflowRef } from './workflow-ref.ts';

type Extension = RequestRow['extensions'][number];

/** The block (and action) ids of the extension form's inputs. */
export const EXTENSION_FIELDS = { seconds: 'extension_seconds', reason: 'extension_reason' } as const;

/** What the extension form offers, in seconds: the choices a grant's remaining lifetime allows. */
const CHOICES = [900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600];

/** The lengths an extension of this grant may have now (none when it is at its 30-day limit). */
export function extensionChoices(request: Pick<RequestRow, 'decidedAt' | 'grantExpiresAt'>): number[] {
  if (request.grantExpiresAt === null) return [];
  const room = (grantLifetimeEnd(request).getTime() - request.grantExpiresAt.getTime()) / 1000;
  return CHOICES.filter((seconds) => seconds >= MIN_EXTENSION_SECONDS && seconds <= room);
}

/** **Request extension**, next to Show grant in a Slack requester's approval DM. */
export function requestExtensionButton(request: Pick<RequestRow, 'id'>): Button {
  return button('Request extension', ACTION_IDS.requestExtension, request.id);
}

/** The extension form: how much longer (the lengths still allowed) and why. */
export function buildExtensionModal(request: RequestRow): ModalView {
  const choices = extensionChoices(request);
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.extensionModal,
    title: plain('Request extension'),
    submit: plain('Ask approvers'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ requestId: request.id }),
    blocks: [
      section(
        `Ask the approvers for more time on your access to \`${truncate(escapeMrkdwn(request.action), 500)}\` on \`${truncate(escapeMrkdwn(request.resource), 1000)}\`` +
          (request.grantExpiresAt === null ? '.' : `, valid until ${slackDate(request.grantExpiresAt)}.`),
      ),
      select(
        EXTENSION_FIELDS.seconds,
        'Extend by',
        choices.map((seconds) => option(formatDuration(seconds), String(seconds))),
        String(choices[0] ?? ''),
      ),
      textInput(EXTENSION_FIELDS.reason, 'Reason', null, { multiline: true, max: 3000 }),
      context('One approver decides. If they approve, you get a new grant; the old token stops working.'),
    ],
  };
}

/** The line saying how an extension stands. */
export function extensionLine(extension: Extension, request: Pick<RequestRow, 'requesterSlackId'>): string {
  // A service asks on behalf of the requester it named (describeActorKey says so).
  const asked = `${formatDuration(extension.seconds)} more, asked ${describeActorKey(extension.requestedBy, request)}`;
  switch (extension.status) {
    case 'pending':
      return `:hourglass_flowing_sand: *Extension requested*: ${asked}`;
    case 'approved':
      return `:white_check_mark: *Extension approved* by <@${extension.decidedBy}> (${asked})${extension.grantExpiresAt === null ? '' : `: valid until ${slackDate(extension.grantExpiresAt)}`}`;
    case 'denied':
      return `:no_entry: *Extension denied* by <@${extension.decidedBy}> (${asked})`;
    case 'moot':
      return `:heavy_minus_sign: *Extension closed*: the grant ended before anyone decided (${asked})`;
  }
}

/**
 * The extension's reply in the card's thread: who asks for how much more and why, mentioning the
 * approvers, with Approve extension / Deny extension while it waits (one routed approver decides;
 * checked on press); afterwards, how it was decided.
 */
export function extensionThreadMessage(
  request: RequestRow,
  extension: Extension,
): { text: string; blocks: KnownBlock[] } {
  const mentions = request.approverIds.map((id) => `<@${id}>`).join(' ');
  const body = `${extensionLine(extension, request)}\n>${truncate(escapeMrkdwn(extension.reason), 2000).replaceAll('\n', '\n>')}`;
  const blocks: KnownBlock[] = [section(body)];
  if (extension.status === 'pending') {
    const ref = workflowRef(request.id, extension.id);
    blocks.push(
      context(
        `${truncate(mentions, 1500)} — one of you decides. Current grant valid until ${request.grantExpiresAt === null ? '?' : slackDate(request.grantExpiresAt)}.`,
      ),
      {
        type: 'actions',
        block_id: 'extension',
        elements: [
          {
            ...button('Approve extension', ACTION_IDS.approveExtension, ref, 'primary'),
            confirm: confirm({
              title: 'Approve this extension?',
              text: `A new grant valid ${formatDuration(extension.seconds)} longer is issued at once.`,
              yes: 'Approve',
              style: 'primary',
            }),
          },
          button('Deny extension', ACTION_IDS.denyExtension, ref, 'danger'),
        ],
      },
    );
  }
  return { text: truncate(`${extensionLine(extension, request)} ${mentions}`, 3000), blocks };
}

/** The requester's DM once an extension is decided. */
export function extensionDecidedDm(request: RequestRow, extension: Extension): string {
  const what = `\`${truncate(escapeMrkdwn(request.action), 200)}\` on \`${truncate(escapeMrkdwn(request.resource), 300)}\``;
  return extension.status === 'approved'
    ? `:white_check_mark: <@${extension.decidedBy}> extended your access for ${what}: a new grant is valid until ${extension.grantExpiresAt === null ? '?' : slackDate(extension.grantExpiresAt)} (the old token no longer works).`
    : `:no_entry: <@${extension.decidedBy}> denied your extension for ${what}: your access stays valid until ${request.grantExpiresAt === null ? '?' : slackDate(request.grantExpiresAt)}.`;
}

/** The card's extension line: the latest extension of an approved grant, if any. */
export function extensionCardBlocks(request: RequestRow): KnownBlock[] {
  const latest = request.extensions.at(-1);
  if (latest === undefined || request.decidedAt === null) return [];
  return [context(truncate(extensionLine(latest, request), 2900))];
}
