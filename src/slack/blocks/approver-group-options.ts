import type { PlainTextOption } from '@slack/types';
import { option } from './kit/inputs.ts';
import { LIMITS, truncate } from './kit/limits.ts';

/** User-group options for the rule editor's approver-group picker, filtered by what the admin typed. */
export function approverGroupOptions(
  groups: Array<{ id: string; handle?: string; name?: string }>,
  query: string,
): PlainTextOption[] {
  const q = query.trim().toLowerCase();
  return groups
    .filter((g) => q === '' || `${g.handle ?? ''} ${g.name ?? ''}`.toLowerCase().includes(q))
    .slice(0, LIMITS.optionsPerSelect)
    .map((g) =>
      option(
        truncate(`@${g.handle ?? g.id}${g.name && g.name !== g.handle ? ` (${g.name})` : ''}`, LIMITS.optionText),
        g.id,
      ),
    );
}
