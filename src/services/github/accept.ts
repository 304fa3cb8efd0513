import type { ContextValue } from '../../domain/params-hash.ts';
import { clipText } from '../../domain/storable-text.ts';
import { AppError } from '../../errors.ts';
import type { CoreDeps } from '../ports.ts';
import { createRequest } from '../requests/create.ts';
import { checkInput } from '../requests/input.ts';
import { isUniqueViolation } from '../requests/store/intake.ts';
import type { RequestRow } from '../requests/store/reads.ts';
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

/** The workflow run, read with the installation's token; null when GitHub does not answer (the request goes on without it). */
async function readRun(deps: Pick<CoreDeps, 'logger'>, app: GithubApp, event: TProtectionRuleEvent, runId: bigint) {
  try {
    const { data } = await app.call(event.installation.id, 'GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
      owner: event.repository.owner.login,
      repo: event.repository.name,
      run_id: runId.toString(),
    });
    const checked = checkInput(ZWorkflowRun, data);
    if (checked.success) return checked.data;
    deps.logger.warn(
      { problems: checked.problems, runId: runId.toString() },
      'github: workflow run not usable; using the event only',
    );
    return null;
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
  if (parts.length > 0) return clipText(parts.join(': '), 3000);
  const description = event.deployment?.description?.trim();
  if (description) return clipText(description, 3000);
  return `Deploy ${event.deployment?.ref ?? 'a workflow run'} to ${event.environment}`;
}

function contextOf(event: TProtectionRuleEvent, run: TWorkflowRun | null, runId: bigint, actor: string) {
  const context: Record<string, ContextValue> = {
    run: clipText(run?.html_url ?? `${event.repository.html_url}/actions/runs/${runId}`, 2000),
    actor,
  };
  if (event.deployment !== undefined) {
    context.ref = clipText(event.deployment.ref, 2000);
    context.sha = event.deployment.sha;
  }
  if (event.event !== undefined) context.trigger = clipText(event.event, 2000);
  if (event.pull_requests.length > 0) {
    context.pull_requests = clipText(event.pull_requests.map((pr) => `#${pr.number} ${pr.html_url}`).join(', '), 2000);
  }
  return context;
}

/** A claim left without a request this long is taken to be from a process that died while creating it. */
const ABANDONED_CLAIM_MS = 60_000;

/** The newest claim a delivery meets: its own row (a redelivery), else the run's latest attempt in the environment. */
async function latestClaim(deps: Pick<CoreDeps, 'db'>, deliveryId: string, runId: bigint, environment: string) {
  const select = {
    id: true,
    requestId: true,
    createdAt: true,
    attempt: true,
    deploymentId: true,
    request: { select: { status: true } },
  } as const;
  const own = await deps.db.githubDeployment.findUnique({ where: { deliveryId }, select });
  if (own !== null) return { ...own, sameDelivery: true };
  const latest = await deps.db.githubDeployment.findFirst({
    where: { runId, environment },
    orderBy: { attempt: 'desc' },
    select,
  });
  return latest === null ? null : { ...latest, sameDelivery: false };
}

type Claim = NonNullable<Awaited<ReturnType<typeof latestClaim>>>;

/**
 * Whether a delivery is a re-run of the workflow rather than a repeat of the attempt `existing`
 * holds: GitHub's "Re-run jobs" keeps the run id and environment but asks again, with a new
 * delivery and a new deployment, once the earlier attempt was decided. So: another delivery, the
 * earlier request no longer pending, and another deployment (an event without one has only the
 * new delivery id to go by).
 */
function isNewAttempt(existing: Claim, deploymentId: bigint | null): boolean {
  if (existing.sameDelivery || existing.request === null || existing.request.status === 'pending') return false;
  return deploymentId === null || existing.deploymentId !== deploymentId;
}

/**
 * Claims a delivery's row. A redelivery, or another delivery while the run's request in this
 * environment is still pending (or being created), is a duplicate; a re-run after that request was
 * decided claims the next attempt (isNewAttempt). A claim abandoned half-way (no request after
 * ABANDONED_CLAIM_MS: the process died, or the routing refused it) is released so the redelivery can
 * try again. The unique indexes decide races: the loser reads the winner's claim and is a duplicate.
 */
async function claim(
  deps: Pick<CoreDeps, 'db' | 'now'>,
  deliveryId: string,
  event: TProtectionRuleEvent,
  runId: bigint,
): Promise<{ outcome: 'claimed'; id: string } | { outcome: 'duplicate'; requestId: string | null }> {
  const environment = event.environment;
  const deploymentId = event.deployment?.id === undefined ? null : BigInt(event.deployment.id);
  let released = false;
  for (let round = 1; ; round += 1) {
    const existing = await latestClaim(deps, deliveryId, runId, environment);
    let attempt = 1;
    if (existing !== null) {
      const abandoned =
        existing.requestId === null && deps.now().getTime() - existing.createdAt.getTime() > ABANDONED_CLAIM_MS;
      if (abandoned && !released) {
        released = true;
        await deps.db.githubDeployment.deleteMany({ where: { id: existing.id, requestId: null } });
        continue;
      }
      if (!isNewAttempt(existing, deploymentId) || round > 3) {
        await rememberDeployment(deps, existing, deploymentId);
        return { outcome: 'duplicate', requestId: existing.requestId };
      }
      attempt = existing.attempt + 1;
    }
    try {
      const created = await deps.db.githubDeployment.create({
        data: {
          deliveryId,
          installationId: BigInt(event.installation.id),
          owner: event.repository.owner.login,
          repo: event.repository.name,
          runId,
          environment,
          deploymentId,
          attempt,
        },
        select: { id: true },
      });
      return { outcome: 'claimed', id: created.id };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
}

/**
 * A repeat of a pending attempt whose row predates deployment ids (or whose first event carried
 * none) stores the deployment it names, so a later re-run is told apart by its deployment.
 */
async function rememberDeployment(deps: Pick<CoreDeps, 'db'>, existing: Claim, deploymentId: bigint | null) {
  if (deploymentId === null || existing.deploymentId !== null || existing.request?.status !== 'pending') return;
  await deps.db.githubDeployment
    .updateMany({ where: { id: existing.id, deploymentId: null }, data: { deploymentId } })
    .catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
    });
}

/**
 * Turns a `deployment_protection_rule` delivery into an approval request through the normal create
 * path (routing, card, audit). The delivery first claims its row in `github_deployments`: the
 * unique delivery id and (run, environment, attempt) make a repeated delivery — GitHub's redelivery,
 * or the same run asking again while its request is pending — a duplicate that creates nothing,
 * while a re-run after the decision is a new attempt with its own request and reports. If the request cannot be created the
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
