import type { KnownBlock } from '@slack/types';
import type { StandingApproval } from '../../services/standing/standing-approvals.ts';
import { ACTION_IDS } from '../ids.ts';
import { slackDate } from './kit/date.ts';
import { button, confirm } from './kit/elements.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { header, section } from './kit/text.ts';

/**
 * Standing approvals in force ("Approve this tool for 15 minutes"), under Active access: which tool,
 * on what, for whom, given by whom and until when, each with Revoke. Shown only when there is some.
 */
export function standingApprovalBlocks(standing: readonly StandingApproval[] | undefined): KnownBlock[] {
  if (standing === undefined || standing.length === 0) return [];
  const blocks: KnownBlock[] = [header('Tools approved for a while')];
  for (const item of standing) {
    const what = `\`${truncate(escapeMrkdwn(item.action), 200)}\` on \`${truncate(escapeMrkdwn(item.resource), 200)}\``;
    blocks.push(
      section(
        `${what} with the same arguments, for <@${item.requesterSlackId}>\nApproved by <@${item.approvedBy}> · until ${slackDate(item.expiresAt)}`,
      ),
      {
        type: 'actions',
        block_id: `standing_${item.id}`,
        elements: [
          {
            ...button('Revoke', ACTION_IDS.standingRevoke, item.id, 'danger'),
            confirm: confirm({
              title: 'Revoke this approval?',
              text: 'Later calls of this tool are asked again.',
              yes: 'Revoke',
              style: 'danger',
            }),
          },
        ],
      },
    );
  }
  return blocks;
}
