import type { ContextValue } from '../../domain/params-hash.ts';
import { clipText } from '../../domain/storable-text.ts';
import type { NewRequest } from '../requests/create.ts';
import type { TRunTaskRun } from './payload.ts';

/**
 * The environment of a workspace, read from its name with TERRAFORM_ENVIRONMENT_PATTERN: the match's
 * group named `environment`, else its first group, else the whole match, lower-cased; none when the
 * pattern does not match. By default the last `-`/`_` part when it is a usual environment name
 * (`app-prod` → `prod`). Rules then match on environments as for any request. HCP does not send
 * workspace tags in the run task request, so the name is all there is.
 */
export function environmentOf(workspace: string, pattern: RegExp): string | null {
  const match = pattern.exec(workspace);
  if (match === null) return null;
  const found = match.groups?.environment ?? match[1] ?? match[0];
  return found.trim() === '' ? null : found.toLowerCase().slice(0, 100);
}

/** What a gated run asks for, minus who asks: the request's action, resource, environment, risk, reason and context. */
export type RunTaskSubject = Pick<NewRequest, 'action' | 'resource' | 'risk' | 'reason' | 'context'> & {
  environment: string | null;
};

/**
 * A run task request as a Greenlight request: action `terraform.<stage>`, resource
 * `<organization>/<workspace>`, the run's message as the reason, and the run's facts (id, links,
 * creator, commit) as context, so they show on the card and are bound into the grant. An apply is
 * `high` risk, the other stages `medium`.
 */
export function runTaskSubject(run: TRunTaskRun, environmentPattern: RegExp): RunTaskSubject {
  const context: Record<string, ContextValue> = { terraform_run: run.run_id };
  const facts: Array<[string, string | null | undefined]> = [
    ['run_url', run.run_app_url],
    ['created_by', run.run_created_by],
    ['workspace_url', run.workspace_app_url],
    ['vcs_commit', run.vcs_commit_url],
    ['vcs_branch', run.vcs_branch],
    ['vcs_pull_request', run.vcs_pull_request_url],
  ];
  for (const [key, value] of facts) if (value) context[key] = clipText(value, 2000);
  if (run.is_speculative) context.speculative = true;
  const message = run.run_message?.trim();
  return {
    action: `terraform.${run.stage}`,
    resource: clipText(`${run.organization_name}/${run.workspace_name}`, 500),
    environment: environmentOf(run.workspace_name, environmentPattern),
    risk: run.stage === 'pre_apply' ? 'high' : 'medium',
    reason: clipText(message ? message : `Terraform run ${run.run_id}`, 3000),
    context,
  };
}

/** The settings that say who asks for a run. */
export interface RequesterSettings {
  TERRAFORM_REQUESTER?: string | undefined;
  TERRAFORM_REQUESTERS?: ReadonlyMap<string, string> | undefined;
  REQUIRE_LINKED_REQUESTERS: boolean;
}

/**
 * Who asks for a run in Slack: the run's creator when TERRAFORM_REQUESTERS maps their HCP username
 * (so they cannot approve their own run), else TERRAFORM_REQUESTER — unless REQUIRE_LINKED_REQUESTERS
 * is on, so an unmapped creator cannot approve their own run as someone else's — else nobody.
 */
export function requesterOf(createdBy: string | null | undefined, config: RequesterSettings): string | null {
  const mapped = createdBy ? config.TERRAFORM_REQUESTERS?.get(createdBy) : undefined;
  if (mapped !== undefined) return mapped;
  return config.REQUIRE_LINKED_REQUESTERS ? null : (config.TERRAFORM_REQUESTER ?? null);
}

/** Why a run has no requester (requesterOf gave none), for the task result HCP shows. */
export function noRequesterFailure(createdBy: string | null | undefined, config: RequesterSettings): string {
  const who = `HCP user “${createdBy ?? 'unknown'}”`;
  return config.REQUIRE_LINKED_REQUESTERS
    ? `${who} is not linked to a Slack user; add them to TERRAFORM_REQUESTERS (REQUIRE_LINKED_REQUESTERS is on, so TERRAFORM_REQUESTER is not used)`
    : `no Slack requester for ${who}: set TERRAFORM_REQUESTERS or TERRAFORM_REQUESTER`;
}

/** Whether a request came from a Terraform run task. */
export function isRunTaskRequest(request: { source: string }): boolean {
  return request.source === 'terraform';
}
