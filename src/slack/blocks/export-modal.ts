import type { ModalView } from '@slack/types';
import { EXPORT_FORMATS, type ExportFormat } from '../../services/audit/export-format.ts';
import { CALLBACK_IDS } from '../ids.ts';
import { fieldOf, option, select, type ViewValues } from './kit/inputs.ts';
import { context, plain } from './kit/text.ts';

/** Block ids (= action ids) of the export modal's inputs. */
export const EXPORT_FIELDS = { range: 'export_range', format: 'export_format' } as const;

/** The ranges App Home offers, in days back from now; `all` is the whole trail. */
export const EXPORT_RANGES = ['7', '30', '90', 'all'] as const;

/** "Export audit trail": which range and format; the file comes as a DM from Greenlight. */
export function buildExportModal(): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.exportModal,
    title: plain('Export audit trail'),
    submit: plain('Export'),
    close: plain('Cancel'),
    blocks: [
      select(
        EXPORT_FIELDS.range,
        'Events from',
        [
          option('The last 7 days', '7'),
          option('The last 30 days', '30'),
          option('The last 90 days', '90'),
          option('All time', 'all'),
        ],
        '30',
      ),
      select(
        EXPORT_FIELDS.format,
        'Format',
        [option('JSON Lines (exact, verifiable)', 'jsonl'), option('CSV (for spreadsheets)', 'csv')],
        'jsonl',
      ),
      context(
        'The file arrives as a direct message from Greenlight. Every export is recorded in the audit trail. For larger exports use `GET /api/v1/audit` with an admin API key.',
      ),
    ],
  };
}

/**
 * Reads the export modal: the range as days back (null: everything) and the format. Anything but
 * the offered values is null, and the submit handler answers it as an out-of-date form.
 */
export function readExportModal(values: ViewValues): { days: number | null; format: ExportFormat } | null {
  const range = fieldOf(values, EXPORT_FIELDS.range)?.selected_option?.value;
  const format = EXPORT_FORMATS.find(
    (known) => known === fieldOf(values, EXPORT_FIELDS.format)?.selected_option?.value,
  );
  if (format === undefined || !(EXPORT_RANGES as readonly (string | undefined)[]).includes(range)) return null;
  return { days: range === 'all' ? null : Number(range), format };
}
