import type { Button } from '@slack/types';
import type { RequestRow } from '../../../services/requests/store/reads.ts';
import { ACTION_IDS } from '../../ids.ts';
import { describeActorKey } from './actor.ts';
import { slackDate } from './date.ts';
import { button, confirm } from './elements.ts';
import { escapeMrkdwn, truncate } from './limits.ts';

/** The columns that say how a request's grant stands. */
export type GrantState = Pick<
  RequestRow,
  'status' | 'grantExpiresAt' | 'executedAt' | 'grantEndedAt' | 'grantEndedBy' | 'grantEndReason' | 'requesterSlackId'
>;

/** Longest grant-end reason shown inline (the card, thread and Home lines stay far inside their limits). */
const MAX_REASON = 1500;

/**
 * How an approved request's grant stands, in one line of mrkdwn: valid until when, executed when,
 * revoked by whom, when and why, or lapsed unused when. Null when there is no grant to speak of
 * (not approved, or no window recorded). The card, its thread, App Home and the grant modal all
 * say it this way.
 */
export function grantStatusLine(request: GrantState): string | null {
  switch (request.status) {
    case 'approved':
      return request.grantExpiresAt === null
        ? null
        : `:key: Access valid until ${slackDate(request.grantExpiresAt)}, for one use`;
    case 'executed':
      return `:rocket: *Executed*${request.executedAt === null ? '' : ` ${slackDate(request.executedAt)}`}`;
    case 'revoked': {
      const by = request.grantEndedBy === null ? '' : ` ${describeActorKey(request.grantEndedBy, request)}`;
      const reason = request.grantEndReason ? ` — ${truncate(escapeMrkdwn(request.grantEndReason), MAX_REASON)}` : '';
      return `:leftwards_arrow_with_hook: *Access revoked*${by}${endedAt(request)}${reason}`;
    }
    case 'lapsed':
      return `:hourglass: *Access lapsed unused*${endedAt(request)}`;
    default:
      return null;
  }
}

function endedAt(request: GrantState): string {
  return request.grantEndedAt === null ? '' : ` ${slackDate(request.grantEndedAt)}`;
}

/**
 * **Revoke access**: ends an approved, unspent grant. Danger-styled and confirmed first; the press
 * then asks for an optional reason (revoke-modal.ts).
 */
export function revokeButton(request: Pick<RequestRow, 'id' | 'action' | 'resource'>): Button {
  return {
    ...button('Revoke access', ACTION_IDS.revokeGrant, request.id, 'danger'),
    confirm: confirm({
      title: 'Revoke this access?',
      text: `The grant for \`${truncate(escapeMrkdwn(request.action), 80)}\` on \`${truncate(escapeMrkdwn(request.resource), 80)}\` stops working at once. You can give a reason next.`,
      yes: 'Revoke access',
      style: 'danger',
    }),
  };
}

/** **Show grant**: opens the grant token in a modal, for the Slack requester only (checked on press). */
export function showGrantButton(request: Pick<RequestRow, 'id'>): Button {
  return button('Show grant', ACTION_IDS.showGrant, request.id, 'primary');
}

/** Whether Slack offers the requester their grant: a request they made in Slack, still approved. */
export function offersGrant(request: Pick<RequestRow, 'status' | 'source'>): boolean {
  return request.status === 'approved' && request.source === 'slack';
}
