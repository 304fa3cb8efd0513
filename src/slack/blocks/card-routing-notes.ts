import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { stageLabel } from '../../services/requests/stages.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import type { RoutingNotes } from '../../services/routing/away-routing.ts';
import { workflowOf } from '../../services/routing/rule-schema.ts';
import { slackDate } from './kit/date.ts';
import { context } from './kit/text.ts';

/** The most away approvers named one by one; the rest are counted. */
const MAX_AWAY_LINES = 10;

const ZRoutingNotes = z.object({
  away: z.array(
    z.object({
      user: z.string(),
      until: z.string(),
      delegate: z.string().nullable(),
      stage: z.number().int().min(0).optional(),
    }),
  ),
  everyoneAway: z.boolean(),
  everyoneAwayStages: z.array(z.number().int().min(0)).optional(),
}) satisfies z.ZodType<RoutingNotes>;

/** A request's routing notes as stored, or null when there are none (or they are not ours). */
export function routingNotesOf(json: unknown): RoutingNotes | null {
  const parsed = ZRoutingNotes.safeParse(json);
  return parsed.success ? parsed.data : null;
}

function awayLine(note: RoutingNotes['away'][number], everyoneAsked: boolean, stage: string): string {
  const until = new Date(note.until);
  const back = Number.isNaN(until.getTime()) ? '' : ` until ${slackDate(until)}`;
  const instead = note.delegate !== null ? ` — delegated to <@${note.delegate}>` : everyoneAsked ? '' : ' — not asked';
  return `:palm_tree: <@${note.user}>${stage} is away${back}${instead}`;
}

/**
 * What the card says about who was asked instead of whom: each away approver (until when, and their
 * delegate; with stages, in which stage), that everyone was asked when everyone routed (or too many
 * of a stage) is away, and — while pending — who is told later because they were away or in Do Not
 * Disturb. Nothing when there is nothing to say.
 */
export function routingNoteBlocks(request: RequestRow): KnownBlock[] {
  const notes = routingNotesOf(request.routingNotes);
  const lines: string[] = [];
  if (notes !== null) {
    // Multi-stage chains: each note names its stage, and each stage left short of its quorum is told.
    const stages = workflowOf(request.workflow).stages ?? [];
    const askedAll = new Set(notes.everyoneAwayStages ?? []);
    const label = (index: number | undefined) => (index === undefined ? '' : ` (${stageLabel(stages, index)})`);
    lines.push(
      ...notes.away
        .slice(0, MAX_AWAY_LINES)
        .map((note) =>
          awayLine(note, note.stage === undefined ? notes.everyoneAway : askedAll.has(note.stage), label(note.stage)),
        ),
    );
    if (notes.away.length > MAX_AWAY_LINES) lines.push(`…and ${notes.away.length - MAX_AWAY_LINES} more away.`);
    if (notes.everyoneAwayStages === undefined) {
      if (notes.everyoneAway) lines.push(':warning: Everyone routed is away; all were asked.');
    } else {
      for (const index of notes.everyoneAwayStages) {
        lines.push(`:warning: Too many in ${stageLabel(stages, index)} are away; all of that stage were asked.`);
      }
    }
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
