import { z } from 'zod';
import { REPORT_PHASES, reportRunTask } from '../../services/terraform/report.ts';
import { defineRetriedDelivery } from '../retried-delivery.ts';

const ZReportRef = z.object({ requestId: z.string().uuid(), phase: z.enum(REPORT_PHASES) }).strict();

/**
 * A Terraform run task's result, PATCHed to HCP (services/terraform/report.ts does the work) and
 * retried like a callback until HCP accepts it (retried-delivery.ts). The payload holds the id and
 * phase only — the URL and the sealed token are read at each attempt.
 */
export const reportRunTaskJob = defineRetriedDelivery({
  name: 'terraform.report',
  schema: ZReportRef,
  describe: ({ requestId, phase }) => `terraform ${phase} result of ${requestId}`,
  deliver: (deps, payload, attempt) => reportRunTask(deps, { ...payload, ...attempt }),
});
