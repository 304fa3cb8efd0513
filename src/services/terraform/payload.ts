import { z } from 'zod';
import { freeText } from '../requests/input.ts';

/**
 * The `access_token` HCP Terraform puts in the verification request it sends when a run task is
 * created or edited: a placeholder that is never a valid token (go-tfe / the run task scaffolding
 * call it the verification token). Such a delivery is answered 200 and nothing else happens.
 */
export const TERRAFORM_VERIFICATION_TOKEN = 'test-token';

/** The fields every run task request (version 1) carries, the verification delivery included. */
export const ZRunTaskEnvelope = z.object({
  payload_version: z.literal(1),
  access_token: z.string().min(1),
  stage: z.string().min(1),
  task_result_id: z.string().min(1),
  task_result_callback_url: z.string().min(1),
});

const optionalText = z.string().nullish();
/** Text a person wrote (a commit message, a branch name): cleaned, never refused (see freeText). */
const writtenText = freeText(z.string()).nullish();

/**
 * The fields of a real run's request that a gated run reads (HashiCorp's published run task request:
 * HCP sends more, which are ignored). The stage becomes part of the action, so it is a plain word.
 * Text people write (run_message, vcs_branch) is cleaned of what PostgreSQL cannot store; HCP's own
 * identifiers, names and URLs holding it are refused whole (checkInput: a 400, so HCP marks the task
 * errored and a mandatory task stops the run — the gate fails closed).
 */
export const ZRunTaskRun = ZRunTaskEnvelope.extend({
  stage: z.string().regex(/^[a-z_]{1,40}$/, 'must be a run task stage such as pre_plan, post_plan or pre_apply'),
  run_id: z.string().min(1).max(200),
  organization_name: z.string().min(1).max(200),
  workspace_name: z.string().min(1).max(200),
  run_message: writtenText,
  run_created_by: optionalText,
  run_app_url: optionalText,
  workspace_app_url: optionalText,
  is_speculative: z.boolean().nullish(),
  vcs_commit_url: optionalText,
  vcs_branch: writtenText,
  vcs_pull_request_url: optionalText,
  vcs_repo_url: optionalText,
});
export type TRunTaskRun = z.infer<typeof ZRunTaskRun>;
