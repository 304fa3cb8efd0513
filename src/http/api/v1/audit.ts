import { type Response, Router } from 'express';
import type { Actor } from '../../../domain/actor.ts';
import { recordAudit } from '../../../services/audit/audit.ts';
import { exportChunks, recordExport } from '../../../services/audit/export.ts';
import { EXPORT_MEDIA_TYPES, exportFileName } from '../../../services/audit/export-format.ts';
import { type AuditVerifyReport, verifyAuditTrail } from '../../../services/audit/verify.ts';
import type { CoreDeps } from '../../../services/ports.ts';
import { parseExportQuery } from './audit-query.ts';
import { clientOf } from './auth.ts';
import { API_V1, route } from './operation.ts';
import { AUDIT_OPERATIONS } from './operations/audit.ts';

/** Writes one chunk, waiting while the client's buffer is full; false once the client has gone. */
async function send(res: Response, text: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(text)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !res.destroyed;
}

/**
 * `/api/v1/audit` for admin keys (mounted behind requireScope('admin')):
 * - `GET /audit?from&to&format&cursor` streams the trail's events in the range, page by page as
 *   they are read (bounded memory), as JSONL or CSV; every export is audited as `audit.exported`
 *   before its last chunk is sent (one that cannot be audited is cut off), also one the client
 *   abandoned (`complete: false`, with the last id it was sent).
 * - `GET /audit/verify` walks every chain and answers the report (200 either way; `ok` tells);
 *   audited as `audit.verified`. Concurrent calls share one walk.
 */
export function auditRoutes(deps: CoreDeps): Router {
  const router = Router();
  let running: Promise<AuditVerifyReport> | null = null;

  route(router, API_V1, AUDIT_OPERATIONS.verifyAudit, async (req, res) => {
    const client = clientOf(req);
    running ??= verifyAuditTrail(deps.db).finally(() => {
      running = null;
    });
    const report = await running;
    await deps.db.$transaction((tx) =>
      recordAudit(tx, {
        type: 'audit.verified',
        actor: { type: 'service', id: client.name, clientId: client.id },
        details: {
          via: 'api',
          ok: report.ok,
          chainsChecked: report.chainsChecked,
          eventsChecked: report.eventsChecked,
          breaksFound: report.breaksFound,
          firstBreak: report.breaks[0] ?? null,
        },
      }),
    );
    res.set('cache-control', 'no-store').json(report);
  });

  route(router, API_V1, AUDIT_OPERATIONS.exportAudit, async (req, res) => {
    const client = clientOf(req);
    const actor: Actor = { type: 'service', id: client.name, clientId: client.id };
    const { range, format } = parseExportQuery(req.query as Record<string, unknown>, deps.now());
    const chunks = exportChunks(deps.db, range, format);
    // The first page is read before anything is sent, so a database failure is still a JSON error.
    let next = await chunks.next();
    res.status(200).set({
      'content-type': EXPORT_MEDIA_TYPES[format],
      'content-disposition': `attachment; filename="${exportFileName(range.from, range.to, format)}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      // Only the headers were asked for: nothing is exported, so nothing is audited.
      await chunks.return(undefined);
      res.end();
      return;
    }
    let rows = 0;
    let lastId: string | null = null;
    let complete = false;
    let failed = false;
    try {
      for (; !next.done; next = await chunks.next()) {
        if (!(await send(res, next.value.text))) break;
        rows += next.value.rows;
        lastId = next.value.lastId ?? lastId;
      }
      complete = next.done === true;
    } catch (error) {
      failed = true;
      deps.logger.warn({ err: error }, 'audit export failed while streaming');
    } finally {
      await chunks.return(undefined);
    }
    // Audited before the response ends: a client never holds a finished export the trail lacks.
    const audited = await recordExport(deps.db, actor, { via: 'api', format, range, rows, complete, lastId }).then(
      () => true,
      (error: unknown) => {
        deps.logger.error({ err: error }, 'could not audit an audit export; cutting it off');
        return false;
      },
    );
    // Headers are sent: the only honest signal of a failure left is a cut connection (no final chunk).
    if (failed || !audited) res.destroy();
    else res.end();
  });
  return router;
}
