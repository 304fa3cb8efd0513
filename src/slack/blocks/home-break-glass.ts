import type { KnownBlock } from '@slack/types';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { ACTION_IDS } from '../ids.ts';
import { describeDecider } from './kit/actor.ts';
import { slackDate } from './kit/date.ts';
import { button } from './kit/elements.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { context, header, section } from './kit/text.ts';

/**
 * Admins' App Home: break-glass uses nobody has reviewed yet, oldest first, each with its
 * justification and Review (a routed approver records the verdict; others are told who may).
 */
export function unreviewedBreakGlassBlocks(uses: { items: RequestRow[]; total: number } | undefined): KnownBlock[] {
  if (uses === undefined) return [];
  const blocks: KnownBlock[] = [header('Break-glass to review')];
  if (uses.items.length === 0) {
    blocks.push(section('_Every break-glass use has been reviewed._'));
    return blocks;
  }
  for (const request of uses.items) {
    const when = request.decidedAt === null ? '' : ` ${slackDate(request.decidedAt)}`;
    blocks.push({
      ...section(
        `:rotating_light: *\`${truncate(escapeMrkdwn(request.action), 200)}\`* on \`${truncate(escapeMrkdwn(request.resource), 300)}\`` +
          ` · ${describeDecider(request)}${when}\n>${truncate(escapeMrkdwn(request.breakGlassReason ?? ''), 300)}`,
      ),
      accessory: button('Review', ACTION_IDS.breakGlassReview, request.id),
    });
  }
  if (uses.total > uses.items.length)
    blocks.push(context(`…and ${uses.total - uses.items.length} more, oldest first.`));
  return blocks;
}
