import { z } from 'zod';
import { freeText } from '../requests/input.ts';

/**
 * The fields of a `deployment_protection_rule` webhook this integration reads (GitHub sends many
 * more; they are ignored). Shapes follow @octokit/webhooks-schemas. Text people write (the ref, the
 * deployment's description) is cleaned of what PostgreSQL cannot store; GitHub's own names, logins and
 * URLs holding it are refused whole by checkInput (400: GitHub lists the delivery as failed).
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
      ref: freeText(z.string()),
      description: freeText(z.string()).nullable().optional(),
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

/**
 * What the workflow run says about itself (GET /repos/{owner}/{repo}/actions/runs/{run_id}). Its name,
 * title and commit message are people's text, cleaned rather than refused: a commit message must not
 * be able to block the gate.
 */
export const ZWorkflowRun = z.object({
  name: freeText(z.string()).nullable().optional(),
  display_title: freeText(z.string()).optional(),
  html_url: z.string().optional(),
  head_commit: z
    .object({ message: freeText(z.string()) })
    .nullable()
    .optional(),
  triggering_actor: z.object({ login: z.string() }).nullable().optional(),
});
export type TWorkflowRun = z.infer<typeof ZWorkflowRun>;
