import { z } from 'zod';
import { reportToGithub } from '../../services/github/report.ts';
import { defineRetriedDelivery } from '../retried-delivery.ts';

const ZGithubReport = z.object({ requestId: z.string().uuid(), kind: z.enum(['waiting', 'decision']) }).strict();

/**
 * Reports a GitHub-gated request to GitHub (services/github/report.ts): where it waits, or its
 * decision; retried like a callback until GitHub takes it (retried-delivery.ts). The payload holds
 * the request id only: the installation token is minted at each attempt and never leaves the process.
 */
export const reportGithub = defineRetriedDelivery({
  name: 'github.report',
  schema: ZGithubReport,
  describe: ({ requestId, kind }) => `github ${kind} report of ${requestId}`,
  deliver: (deps, payload, attempt) => reportToGithub(deps, { ...payload, ...attempt }),
});
