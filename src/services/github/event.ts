import { z } from 'zod';

/**
 * The fields of a `deployment_protection_rule` webhook this integration reads (GitHub sends many
 * more; they are ignored). Shapes follow @octokit/webhooks-schemas.
 */
export const ZProtectionRuleEvent = z.object({
  action: z.string(),
  environment: z.string().min(1).max(100),
  event: z.string().optional(),
  deployment_callback_url: z.url(),
  deployment: z
    .object({
      /** A re-run of the workflow asks again with a new deployment: this id tells the attempts apart. */
      id: z.number().int().positive().optional(),
      sha: z.string(),
      ref: z.string(),
      description: z.string().nullable().optional(),
      creator: z.object({ login: z.string() }).optional(),
    })
    .optional(),
  pull_requests: z.array(z.object({ number: z.number().int(), html_url: z.string() })).default([]),
  repository: z.object({
    name: z.string().min(1),
    full_name: z.string().min(1),
    html_url: z.string(),
    owner: z.object({ login: z.string().min(1) }),
  }),
  sender: z.object({ login: z.string().min(1) }),
  installation: z.object({ id: z.number().int().positive() }),
});
export type TProtectionRuleEvent = z.infer<typeof ZProtectionRuleEvent>;

/** The run id in a `deployment_callback_url` (`…/actions/runs/{run_id}/deployment_protection_rule`), or null. */
export function runIdOf(callbackUrl: string): bigint | null {
  const match = /\/actions\/runs\/(\d{1,19})\/deployment_protection_rule\/?$/.exec(new URL(callbackUrl).pathname);
  return match?.[1] === undefined ? null : BigInt(match[1]);
}

/** What the workflow run says about itself (GET /repos/{owner}/{repo}/actions/runs/{run_id}). */
export const ZWorkflowRun = z.object({
  name: z.string().nullable().optional(),
  display_title: z.string().optional(),
  html_url: z.string().optional(),
  head_commit: z.object({ message: z.string() }).nullable().optional(),
  triggering_actor: z.object({ login: z.string() }).nullable().optional(),
});
export type TWorkflowRun = z.infer<typeof ZWorkflowRun>;
