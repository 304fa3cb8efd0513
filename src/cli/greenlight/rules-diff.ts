import type { RulesApplied } from '../../client/index.ts';

const show = (value: unknown): string => (value === undefined ? 'null' : JSON.stringify(value));

/**
 * What replacing the rules did (or would do), for people: one line per added, changed and removed
 * rule (changed ones with each field's before → after), the unchanged counted, then a summary.
 */
export function describeRulesDiff({ diff, applied }: RulesApplied, fileName: string): string[] {
  const lines: string[] = [];
  for (const rule of diff.added) lines.push(`+ ${rule.name} (added, position ${rule.priority})`);
  for (const rule of diff.changed) {
    lines.push(`~ ${rule.name} (changed)`);
    for (const change of rule.changes)
      lines.push(`    ${change.field}: ${show(change.before)} → ${show(change.after)}`);
  }
  for (const rule of diff.removed) lines.push(`- ${rule.name} (removed)`);
  if (diff.unchanged.length > 0) lines.push(`= ${diff.unchanged.length} unchanged`);
  const counts = `${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed, ${diff.unchanged.length} unchanged`;
  const nothing = diff.added.length + diff.changed.length + diff.removed.length === 0;
  if (nothing) lines.push(`Nothing to do: the rules already match ${fileName}.`);
  else if (applied) lines.push(`Applied ${fileName}: ${counts}.`);
  else lines.push(`Dry run of ${fileName}: would be ${counts}; nothing was changed.`);
  return lines;
}
