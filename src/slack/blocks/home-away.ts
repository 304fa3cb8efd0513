import type { KnownBlock } from '@slack/types';
import type { AwayRow } from '../../services/away/away-store.ts';
import type { HomeData } from '../../services/home/home-data.ts';
import { ACTION_IDS } from '../ids.ts';
import { slackDate } from './kit/date.ts';
import { button, confirm } from './kit/elements.ts';
import { context, header, section } from './kit/text.ts';

/** The most away people listed for admins (one section); the rest are counted. */
const MAX_LISTED = 25;

function delegateText(row: AwayRow): string {
  return row.delegateId === null ? 'no delegate' : `delegate <@${row.delegateId}>`;
}

/**
 * "Out of office" in everyone's App Home: whether they are away (until when, their delegate) with
 * Change and I'm back, or Set away.
 */
export function awayBlocks(data: HomeData): KnownBlock[] {
  const away = data.away ?? null;
  if (away === null) {
    return [
      header('Out of office'),
      {
        ...section('_You are not away._ Going away? New requests will skip you, or go to your delegate.'),
        accessory: button('Set away', ACTION_IDS.awaySet, 'set'),
      },
    ];
  }
  return [
    header('Out of office'),
    section(`:palm_tree: You are away until ${slackDate(away.awayUntil)} · ${delegateText(away)}.`),
    {
      type: 'actions',
      block_id: 'away_toolbar',
      elements: [
        button('Change', ACTION_IDS.awaySet, 'change'),
        {
          ...button("I'm back", ACTION_IDS.awayClear, 'clear', 'primary'),
          confirm: confirm({
            title: 'Clear your away status?',
            text: 'New requests will be routed to you again.',
            yes: "I'm back",
          }),
        },
      ],
    },
  ];
}

/** Admins: who is away now, until when, and who stands in for them. */
export function awayAdminBlocks(data: HomeData): KnownBlock[] {
  const list = data.awayList;
  if (list === undefined) return [];
  const blocks: KnownBlock[] = [header('Who is away')];
  if (list.length === 0) return [...blocks, section('_Nobody is away._')];
  const lines = list
    .slice(0, MAX_LISTED)
    .map((row) => `<@${row.slackUserId}> until ${slackDate(row.awayUntil)} · ${delegateText(row)}`);
  blocks.push(section(lines.join('\n')));
  if (list.length > MAX_LISTED) blocks.push(context(`…and ${list.length - MAX_LISTED} more.`));
  return blocks;
}
