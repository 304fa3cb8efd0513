import type { WebClient } from '@slack/web-api';
import type { Actor } from '../domain/actor.ts';
import { type ExportRange, exportChunks, recordExport } from '../services/audit/export.ts';
import { type ExportFormat, exportFileName } from '../services/audit/export-format.ts';
import type { CoreDeps } from '../services/ports.ts';
import { tellUser } from './listeners/feedback.ts';

/**
 * The largest export App Home sends. Slack's upload takes the file whole, so it is held in memory:
 * this bounds that memory; anything larger is for `GET /api/v1/audit`, which streams.
 */
export const SLACK_EXPORT_MAX_BYTES = 50 * 1024 * 1024;

const DAY_MS = 24 * 3600_000;

/** What an admin asked for in the export modal. */
export interface SlackExportRequest {
  /** Days back from now; null: the whole trail. */
  days: number | null;
  format: ExportFormat;
}

/** The export as one buffer, or null when it outgrew `maxBytes` (reading stops there). */
async function collect(
  deps: Pick<CoreDeps, 'db'>,
  range: ExportRange,
  format: ExportFormat,
  maxBytes: number,
): Promise<{ file: Buffer; rows: number; lastId: string | null } | null> {
  const parts: Buffer[] = [];
  let bytes = 0;
  let rows = 0;
  let lastId: string | null = null;
  for await (const chunk of exportChunks(deps.db, range, format)) {
    const part = Buffer.from(chunk.text, 'utf8');
    bytes += part.length;
    if (bytes > maxBytes) return null;
    parts.push(part);
    rows += chunk.rows;
    lastId = chunk.lastId ?? lastId;
  }
  return { file: Buffer.concat(parts), rows, lastId };
}

/**
 * App Home "Export": the audit events of the chosen range, uploaded as a file to the admin's DM
 * (files.getUploadURLExternal, the upload, files.completeUploadExternal: `filesUploadV2`). The
 * upload is audited as `audit.exported` (via slack) once it was attempted, `complete` saying whether
 * Slack shared it. An empty range or one over `maxBytes` uploads nothing and says why. The caller
 * has checked that the user is an admin.
 */
export async function uploadAuditExport(
  deps: CoreDeps,
  client: WebClient,
  userId: string,
  request: SlackExportRequest,
  maxBytes = SLACK_EXPORT_MAX_BYTES,
): Promise<void> {
  const to = deps.now();
  const range: ExportRange = {
    from: request.days === null ? null : new Date(to.getTime() - request.days * DAY_MS),
    to,
    after: null,
  };
  const what = request.days === null ? 'all time' : `the last ${request.days} days`;
  const collected = await collect(deps, range, request.format, maxBytes);
  if (collected === null) {
    await tellUser(client, {
      user: userId,
      text: `The audit export of ${what} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, too large to send in Slack. Choose a shorter range, or export with \`GET /api/v1/audit\` and an admin API key (it streams any size).`,
    });
    return;
  }
  if (collected.rows === 0) {
    await tellUser(client, { user: userId, text: `The audit trail has no events from ${what}: nothing to export.` });
    return;
  }
  const actor: Actor = { type: 'user', id: userId };
  let delivered = false;
  try {
    const dm = await client.conversations.open({ users: userId });
    const filename = exportFileName(range.from, range.to, request.format);
    await client.filesUploadV2({
      channel_id: dm.channel?.id as string,
      file: collected.file,
      filename,
      title: filename,
      initial_comment: `Audit trail export: ${collected.rows} event(s) from ${what}, as ${request.format === 'csv' ? 'CSV' : 'JSON Lines'}. This export is recorded in the audit trail.`,
    });
    delivered = true;
  } catch (error) {
    deps.logger.warn({ err: error, user: userId }, 'audit export upload to Slack failed');
    await tellUser(client, {
      user: userId,
      text: 'Sending the audit export to Slack failed; please try again, or export with `GET /api/v1/audit`.',
    }).catch(() => {});
  } finally {
    await recordExport(deps.db, actor, {
      via: 'slack',
      format: request.format,
      range,
      rows: collected.rows,
      complete: delivered,
      lastId: collected.lastId,
    });
  }
}
