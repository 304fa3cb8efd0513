import type { AuditChainBreak, AuditVerifyReport } from '../../client/index.ts';

/** Which chain a break is in, in words. */
function chainOf(found: AuditChainBreak): string {
  return found.requestId === null ? 'global chain' : `request ${found.requestId}`;
}

/**
 * An audit verification report as lines for people: one per break (its chain, its event, what is
 * wrong), then the summary line. `npm run audit:verify` and `greenlight audit verify` both print it.
 */
export function describeAuditReport(report: AuditVerifyReport): string[] {
  const lines = report.breaks.map(
    (found) =>
      `broken: ${chainOf(found)}${found.eventId === null ? '' : `, event ${found.eventId}`} (${found.kind}): ${found.message}`,
  );
  const unlisted = report.breaksFound - report.breaks.length;
  if (unlisted > 0) lines.push(`… and ${unlisted} more broken chain(s), not listed`);
  lines.push(
    `audit trail ${report.ok ? 'intact' : 'BROKEN'}: ${report.chainsChecked} chain(s), ${report.eventsChecked} event(s) checked, ${report.breaksFound} break(s)`,
  );
  return lines;
}
