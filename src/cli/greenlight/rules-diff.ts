import type { RulesApplied } from '../../client/index.ts';

const show = (value: unknown): string => (value === undefined ? 'null' : JSON.stringify(value));

/**
 * What replacing the rules did (or would do), for people: one line per added, changed and removed
 * rule (changed ones with each field's before → after), the unchanged counted; then, when the file
 * has identities, one line per linked, re-linked and unlinked login; then a summary.
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
  const summaries = [
    `${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed, ${diff.unchanged.length} unchanged`,
  ];
  let changes = diff.added.length + diff.changed.length + diff.removed.length;
  for (const [provider, links] of Object.entries(diff.identities ?? {})) {
    for (const link of links.added) lines.push(`+ ${provider} ${link.login} → ${link.slackUserId} (linked)`);
    for (const link of links.changed)
      lines.push(`~ ${provider} ${link.login}: ${link.before} → ${link.after} (re-linked)`);
    for (const link of links.removed) lines.push(`- ${provider} ${link.login} (unlinked, was ${link.slackUserId})`);
    if (links.unchanged > 0) lines.push(`= ${links.unchanged} ${provider} link(s) unchanged`);
    summaries.push(
      `${provider} identities ${links.added.length} added, ${links.changed.length} changed, ${links.removed.length} removed, ${links.unchanged} unchanged`,
    );
    changes += links.added.length + links.changed.length + links.removed.length;
  }
  const counts = summaries.join('; ');
  if (changes === 0) lines.push(`Nothing to do: the rules already match ${fileName}.`);
  else if (applied) lines.push(`Applied ${fileName}: ${counts}.`);
  else lines.push(`Dry run of ${fileName}: would be ${counts}; nothing was changed.`);
  return lines;
}
