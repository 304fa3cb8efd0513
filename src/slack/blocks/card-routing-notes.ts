import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import type { RequestRow } from '../../services/requests/store.ts';
import type { RoutingNotes } from '../../services/routing/away-routing.ts';
import { slackDate } from './kit/date.ts';
import { context } from './kit/text.ts';

/** The most away approvers named one by one; the rest are counted. */
const MAX_AWAY_LINES = 10;

const ZRoutingNotes = z.object({
  away: z.array(z.object({ user: z.string(), until: z.string(), delegate: z.string().nullable() })),
  everyoneAway: z.boolean(),
}) satisfies z.ZodType<RoutingNotes>;

/** A request's routing notes as stored, or null when there are none (or they are not ours). */
export function routingNotesOf(json: unknown): RoutingNotes | null {
  const parsed = ZRoutingNotes.safeParse(json);
  return parsed.success ? parsed.data : null;
}

function awayLine(note: RoutingNotes['away'][number], everyoneAway: boolean): string {
  const until = new Date(note.until);
  const back = Number.isNaN(until.getTime()) ? '' : ` until ${slackDate(until)}`;
  const instead = note.delegate !== null ? ` — delegated to <@${note.delegate}>` : everyoneAway ? '' : ' — not asked';
  return `:palm_tree: <@${note.user}> is away${back}${instead}`;
}

/**
 * What the card says about who was asked instead of whom: each away approver (until when, and their
 * delegate), that everyone was asked when everyone routed is away, and — while pending — who is
 * told later because they were away or in Do Not Disturb. Nothing when there is nothing to say.
 */
export function routingNoteBlocks(request: RequestRow): KnownBlock[] {
  const notes = routingNotesOf(request.routingNotes);
  const lines: string[] = [];
  if (notes !== null) {
    lines.push(...notes.away.slice(0, MAX_AWAY_LINES).map((note) => awayLine(note, notes.everyoneAway)));
    if (notes.away.length > MAX_AWAY_LINES) lines.push(`…and ${notes.away.length - MAX_AWAY_LINES} more away.`);
    if (notes.everyoneAway) lines.push(':warning: Everyone routed is away; all were asked.');
  }
  if (request.status === 'pending' && request.notifyLaterIds.length > 0) {
    const later = request.notifyLaterIds.slice(0, MAX_AWAY_LINES).map((id) => `<@${id}>`);
    const more = request.notifyLaterIds.length - later.length;
    lines.push(
      `:zzz: Away or in Do Not Disturb, told later: ${later.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
    );
  }
  return lines.length === 0 ? [] : [context(lines.join('\n'))];
}
