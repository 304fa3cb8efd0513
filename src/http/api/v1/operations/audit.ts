import { EXPORT_PARAMETERS } from '../audit-query.ts';
import { ADMIN, AUTHED, type Json, type Operation, ref } from '../operation.ts';

/** `from` and `to`: an instant as the export reads it. */
const ISO_INSTANT_PARAMETER: Json = {
  type: 'string',
  examples: ['2026-11-01', '2026-11-01T09:00:00Z'],
  description: 'ISO 8601: a date (midnight UTC) or a date-time with Z or an offset.',
};

/** The audit routes (`/api/v1/audit…`), for admin keys. */
export const AUDIT_OPERATIONS = {
  exportAudit: {
    method: 'get',
    path: '/api/v1/audit',
    operationId: 'exportAudit',
    tags: ['audit'],
    summary: 'Export the audit trail (admin keys)',
    description:
      'Streams every audit event created in [from, to) by ascending id, as JSONL (exact: each line verifies against its hash chain) or CSV for spreadsheets. The export is written while it is read, so an interrupted one ends without its final chunk: resume with `cursor` set to the last id received. Each export is itself audited (`audit.exported`: who, range, format, rows, complete). Unknown parameters are refused.',
    scope: 'admin',
    parameters: [
      {
        name: 'from',
        in: 'query',
        required: false,
        description: 'Events created at or after this instant (default: the first).',
        schema: ISO_INSTANT_PARAMETER,
      },
      {
        name: 'to',
        in: 'query',
        required: false,
        description: 'Events created before this instant (default: now).',
        schema: ISO_INSTANT_PARAMETER,
      },
      {
        name: 'format',
        in: 'query',
        required: false,
        schema: { type: 'string', enum: ['jsonl', 'csv'], default: 'jsonl' },
      },
      {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'Only events after this id: the last id of an interrupted export.',
        schema: { type: 'string', pattern: '^[0-9]{1,19}$' },
      },
    ],
    ok: {
      status: 200,
      description: `The events, streamed. Parameters: ${EXPORT_PARAMETERS.join(', ')}.`,
      schema: { type: 'string' },
      headers: {
        'Content-Disposition': {
          description: 'attachment; filename="greenlight-audit-<from>-<to>.<format>"',
          schema: { type: 'string' },
        },
      },
      content: {
        'application/x-ndjson': {
          type: 'string',
          description: 'One AuditExportRow JSON object per line (LF-terminated), by ascending id.',
        },
        'text/csv': {
          type: 'string',
          description:
            "A header record (id,requestId,type,actorType,actorId,details,prevHash,hash,createdAt), then one record per event; RFC 4180 quoting, CRLF line ends, details as JSON text. A field beginning with = + - @ (or tab, CR) gets a leading ' so spreadsheets never run it as a formula; verify from JSONL, which is exact.",
        },
      },
    },
    errors: [...AUTHED, ...ADMIN, 'validation_failed'],
  },
  verifyAudit: {
    method: 'get',
    path: '/api/v1/audit/verify',
    operationId: 'verifyAudit',
    tags: ['audit'],
    summary: 'Verify every audit hash chain (admin keys)',
    description:
      'Walks the hash chain of every request and of the global events and reports the first altered or missing event of each broken chain. Answers 200 whether or not the trail is intact: `ok` tells. Audited as `audit.verified`.',
    scope: 'admin',
    ok: { status: 200, description: 'The report.', schema: ref('AuditVerifyReport') },
    errors: [...AUTHED, ...ADMIN],
  },
} satisfies Record<string, Operation>;
