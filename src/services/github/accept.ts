import type { ContextValue } from '../../domain/params-hash.ts';
import { AppError } from '../../errors.ts';
import type { CoreDeps } from '../ports.ts';
import { createRequest } from '../requests/create.ts';
import type { RequestRow } from '../requests/store.ts';
import { isUniqueViolation } from '../requests/store.ts';
import type { GithubApp } from './app-client.ts';
import { runIdOf, type TProtectionRuleEvent, type TWorkflowRun, ZWorkflowRun } from './event.ts';
import { resolveGithubRequester } from './requester.ts';

/** The action every GitHub deployment request carries; routing rules match on it. */
export const GITHUB_DEPLOY_ACTION = 'github.deploy';

/** What became of a delivery. */
export type Accepted =
  | { outcome: 'created'; request: RequestRow }
  | { outcome: 'duplicate'; requestId: string | null }
  | { outcome: 'refused'; deploymentId: string; kind: RefusalKind; why: string };

/** Why a deployment is rejected at once: nobody else may approve it, or its user is not a known Slack user. */
export type RefusalKind = 'unroutable' | 'unlinked';

/** What GitHub shows for a user REQUIRE_LINKED_REQUESTERS refuses. */
export function unlinkedRefusal(login: string): string {
  return `GitHub user ${login} is not linked to a Slack user; an admin can link them in App Home or the rules file`;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The workflow run, read with the installation's token; null when GitHub does not answer (the request goes on without it). */
async function readRun(deps: Pick<CoreDeps, 'logger'>, app: GithubApp, event: TProtectionRuleEvent, runId: bigint) {
  try {
    const { data } = await app.call(event.installation.id, 'GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
      owner: event.repository.owner.login,
      repo: event.repository.name,
      run_id: runId.toString(),
    });
    return ZWorkflowRun.parse(data);
  } catch (error) {
    deps.logger.warn(
      { err: error, runId: runId.toString() },
      'github: workflow run not readable; using the event only',
    );
    return null;
  }
}

/** The reason approvers read: the run's name and its head commit's message. */
function reasonOf(event: TProtectionRuleEvent, run: TWorkflowRun | null): string {
  const name = run?.name ?? run?.display_title;
  const message = run?.head_commit?.message?.trim();
  const parts = [name, message].filter((part): part is string => part !== undefined && part !== '');
  if (parts.length > 0) return clip(parts.join(': '), 3000);
  const description = event.deployment?.description?.trim();
  if (description) return clip(description, 3000);
  return `Deploy ${event.deployment?.ref ?? 'a workflow run'} to ${event.environment}`;
}

function contextOf(event: TProtectionRuleEvent, run: TWorkflowRun | null, runId: bigint, actor: string) {
  const context: Record<string, ContextValue> = {
    run: clip(run?.html_url ?? `${event.repository.html_url}/actions/runs/${runId}`, 2000),
    actor,
  };
  if (event.deployment !== undefined) {
    context.ref = clip(event.deployment.ref, 2000);
    context.sha = event.deployment.sha;
  }
  if (event.event !== undefined) context.trigger = clip(event.event, 2000);
  if (event.pull_requests.length > 0) {
    context.pull_requests = clip(event.pull_requests.map((pr) => `#${pr.number} ${pr.html_url}`).join(', '), 2000);
  }
  return context;
}

/** A claim left without a request this long is taken to be from a process that died while creating it. */
const ABANDONED_CLAIM_MS = 60_000;

/**
 * Claims a delivery's row; a repeat is a duplicate, except that a claim abandoned half-way (no
 * request after ABANDONED_CLAIM_MS: the process died, or the routing refused it) is released so the
 * redelivery can try again.
 */
async function claim(
  deps: Pick<CoreDeps, 'db' | 'now'>,
  deliveryId: string,
  event: TProtectionRuleEvent,
  runId: bigint,
): Promise<{ outcome: 'claimed'; id: string } | { outcome: 'duplicate'; requestId: string | null }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const created = await deps.db.githubDeployment.create({
        data: {
          deliveryId,
          installationId: BigInt(event.installation.id),
          owner: event.repository.owner.login,
          repo: event.repository.name,
          runId,
          environment: event.environment,
        },
        select: { id: true },
      });
      return { outcome: 'claimed', id: created.id };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const existing = await deps.db.githubDeployment.findFirst({
      where: { OR: [{ deliveryId }, { runId, environment: event.environment }] },
      select: { id: true, requestId: true, createdAt: true },
    });
    const abandoned =
      existing !== null &&
      existing.requestId === null &&
      deps.now().getTime() - existing.createdAt.getTime() > ABANDONED_CLAIM_MS;
    if (!abandoned || attempt > 1) return { outcome: 'duplicate', requestId: existing?.requestId ?? null };
    await deps.db.githubDeployment.deleteMany({ where: { id: existing.id, requestId: null } });
  }
}

/**
 * Turns a `deployment_protection_rule` delivery into an approval request through the normal create
 * path (routing, card, audit). The delivery first claims its row in `github_deployments`: the
 * unique delivery id and (run, environment) make a repeated delivery — GitHub's redelivery, or the
 * same run asking again — a duplicate that creates nothing. If the request cannot be created the
 * claim is released so a redelivery can try again; a request the routing refuses (too few
 * approvers), or whose GitHub user is not a known Slack user while REQUIRE_LINKED_REQUESTERS is on,
 * keeps its claim and is `refused` without a request, so the caller rejects the review with the reason.
 */
export async function acceptProtectionRule(
  deps: CoreDeps,
  app: GithubApp,
  deliveryId: string,
  event: TProtectionRuleEvent,
): Promise<Accepted> {
  const runId = runIdOf(event.deployment_callback_url);
  if (runId === null) {
    throw new AppError('validation_failed', 'not a deployment protection rule event', [
      { path: 'deployment_callback_url', message: 'does not name a workflow run' },
    ]);
  }
  const claimed = await claim(deps, deliveryId, event, runId);
  if (claimed.outcome === 'duplicate') return claimed;
  const claimId = claimed.id;
  try {
    const run = await readRun(deps, app, event, runId);
    const login = event.sender.login;
    const who = await resolveGithubRequester(deps, app, event.installation.id, login);
    if (who.via === 'unlinked' && deps.config.REQUIRE_LINKED_REQUESTERS) {
      return { outcome: 'refused', deploymentId: claimId, kind: 'unlinked', why: unlinkedRefusal(login) };
    }
    const { request } = await createRequest(
      deps,
      {
        action: GITHUB_DEPLOY_ACTION,
        resource: event.repository.full_name,
        environment: event.environment,
        reason: reasonOf(event, run),
        requesterSlackId: who.requester,
        risk: 'medium',
        context: contextOf(event, run, runId, login),
      },
      { actor: { type: 'service', id: 'github' }, source: 'github' },
    );
    await deps.db.githubDeployment.update({ where: { id: claimId }, data: { requestId: request.id } });
    return { outcome: 'created', request };
  } catch (error) {
    if (error instanceof AppError && error.code === 'unprocessable') {
      return { outcome: 'refused', deploymentId: claimId, kind: 'unroutable', why: error.message };
    }
    await deps.db.githubDeployment.delete({ where: { id: claimId } }).catch(() => {});
    throw error;
  }
}
