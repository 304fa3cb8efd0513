import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';
import { SYSTEM } from '../requests/transition.ts';
import { type Accepted, acceptProtectionRule, type RefusalKind } from './accept.ts';
import type { GithubApp } from './app-client.ts';
import type { TProtectionRuleEvent } from './event.ts';
import { postReview } from './report.ts';

/**
 * Handles a verified `deployment_protection_rule` delivery: accepts it (services/github/accept.ts),
 * then owes GitHub a report. A new request's first report goes through the Effects port (retried by
 * its job); a delivery no request could be made for is rejected at once, because there is no request
 * to hang a retried report on and the run would otherwise wait for nobody.
 */
export async function receiveProtectionRule(
  deps: CoreDeps,
  app: GithubApp,
  deliveryId: string,
  event: TProtectionRuleEvent,
): Promise<Accepted> {
  const accepted = await acceptProtectionRule(deps, app, deliveryId, event);
  if (accepted.outcome === 'refused') {
    await rejectAtOnce(deps, app, accepted.deploymentId, accepted.kind, accepted.why);
  } else if (accepted.outcome === 'created') {
    await deps.effects.githubRunLinked(accepted.request);
  }
  return accepted;
}

/**
 * Rejects at once a deployment no request could be made for (too few approvers besides the
 * requester, or a GitHub user REQUIRE_LINKED_REQUESTERS refuses), so the run does not wait for
 * nobody; the attempt is audited in the global stream with the `kind` of refusal.
 */
async function rejectAtOnce(
  deps: Pick<CoreDeps, 'db' | 'logger'>,
  app: GithubApp,
  deploymentId: string,
  kind: RefusalKind,
  why: string,
): Promise<void> {
  const link = await deps.db.githubDeployment.findUniqueOrThrow({ where: { id: deploymentId } });
  let status: number | null = null;
  try {
    status = await postReview(app, link, {
      state: 'rejected',
      comment: `Greenlight could not ask for approval: ${why}`,
    });
  } catch (error) {
    const withStatus = error as { status?: unknown };
    status = typeof withStatus.status === 'number' ? withStatus.status : null;
    deps.logger.warn({ err: error }, 'github: rejecting a deployment at once failed');
  }
  await deps.db.$transaction((tx) =>
    recordAudit(tx, {
      type: status !== null && status < 300 ? 'github.reported' : 'github.report_failed',
      actor: SYSTEM,
      details: {
        kind,
        state: 'rejected',
        reason: why,
        repository: `${link.owner}/${link.repo}`,
        runId: link.runId.toString(),
        environment: link.environment,
        status,
      },
    }),
  );
}
