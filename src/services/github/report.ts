import { parseActorKey } from '../../domain/actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { DELIVERY_DONE, type DeliveryOutcome, type RetriedAttempt } from '../callbacks/schedule.ts';
import type { CoreDeps } from '../ports.ts';
import { withLockedRequest } from '../requests/locking.ts';
import { getRequest, type RequestRow } from '../requests/store/reads.ts';
import { SYSTEM } from '../requests/transition.ts';
import { cardLink, slackName } from '../slack-links.ts';
import { type GithubApp, githubApp } from './app-client.ts';

/** What is reported: where the request waits (a status report, no state), or the decision. */
export type ReportKind = 'waiting' | 'decision';

/** GitHub refuses longer review comments. */
const MAX_COMMENT = 1000;

/** The row a report is about. */
export interface DeploymentLink {
  installationId: bigint;
  owner: string;
  repo: string;
  runId: bigint;
  environment: string;
}

const clip = (text: string) => (text.length > MAX_COMMENT ? `${text.slice(0, MAX_COMMENT - 1)}…` : text);

/** `14:05 UTC`, with the date in front when it is not today (UTC). */
export function utcTime(at: Date, now: Date): string {
  const iso = at.toISOString();
  const time = `${iso.slice(11, 16)} UTC`;
  return iso.slice(0, 10) === now.toISOString().slice(0, 10) ? time : `${iso.slice(0, 10)} ${time}`;
}

/** The review state a finished request gives the run: an approval that went through approves it; anything else rejects it. */
export function reviewState(status: RequestRow['status']): 'approved' | 'rejected' {
  return status === 'approved' || status === 'executed' || status === 'lapsed' ? 'approved' : 'rejected';
}

/** Who decided, for GitHub readers: a Slack user by name, or the rule. */
async function decider(deps: Pick<CoreDeps, 'slack'>, request: RequestRow): Promise<string> {
  if (request.decidedBy === null) return 'Greenlight';
  const actor = parseActorKey(request.decidedBy);
  if (actor.type === 'user') return `${await slackName(deps, actor.id)} in Slack`;
  if (actor.type === 'rule') return `Greenlight rule “${actor.id}”`;
  return 'Greenlight';
}

/** The comment GitHub shows on the run for this report. */
export async function reportComment(deps: Pick<CoreDeps, 'slack' | 'now'>, request: RequestRow, kind: ReportKind) {
  const link = await cardLink(deps, request);
  const card = link === null ? '' : ` Card: ${link}`;
  const now = deps.now();
  if (kind === 'waiting') {
    return clip(
      `Waiting for approval in Slack channel ${request.channelId}, expires ${utcTime(request.expiresAt, now)}.${card}`,
    );
  }
  const reason = request.decisionReason === null ? '' : ` Reason: ${request.decisionReason}`;
  switch (request.status) {
    case 'expired':
      return clip(
        `Rejected: nobody decided before the approval request expired at ${utcTime(request.expiresAt, now)}.${card}`,
      );
    case 'cancelled':
      return clip(`Rejected: the approval request was cancelled.${reason}${card}`);
    case 'denied':
      return clip(`Rejected by ${await decider(deps, request)}.${reason}${card}`);
    case 'revoked':
      return clip(`Rejected: the approval was revoked before GitHub was told.${card}`);
    default:
      return clip(`Approved by ${await decider(deps, request)}.${reason}${card}`);
  }
}

/**
 * POSTs one deployment protection rule review for `link`'s run and environment: `state` for a
 * decision, none for a status report. Throws what @octokit/request throws (a RequestError with
 * `status`, or a network/timeout error).
 */
export async function postReview(
  app: GithubApp,
  link: DeploymentLink,
  review: { state?: 'approved' | 'rejected'; comment: string },
): Promise<number> {
  const response = await app.call(
    Number(link.installationId),
    'POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule',
    {
      owner: link.owner,
      repo: link.repo,
      run_id: link.runId.toString(),
      environment_name: link.environment,
      comment: review.comment,
      ...(review.state === undefined ? {} : { state: review.state }),
    },
  );
  return response.status;
}

/** Whether a failed call is worth another attempt: no answer, a rate limit, or a server error. */
function retryable(status: number | null): boolean {
  return status === null || status === 403 || status === 429 || status >= 500;
}

/**
 * Reports a GitHub-gated request to GitHub: where it waits (once, while pending) or its decision
 * (once). The installation token is minted at each attempt from the App key; neither is logged or
 * stored. Every attempt is audited (`github.reported`, `github.report_failed`) under the request's
 * row lock; a delivered report is remembered on the deployment row so a repeat sends nothing.
 * A missing link (the delivery is still being linked) or a failure worth retrying returns not done.
 */
export async function reportToGithub(
  deps: CoreDeps,
  input: RetriedAttempt & { requestId: string; kind: ReportKind },
): Promise<DeliveryOutcome> {
  const { requestId, kind } = input;
  const request = await getRequest(deps.db, requestId);
  if (request === null || request.source !== 'github') return DELIVERY_DONE;
  const link = await deps.db.githubDeployment.findUnique({ where: { requestId } });
  if (link === null) return input.last ? DELIVERY_DONE : { done: false, why: 'the deployment is not linked yet' };
  if (link.reportedState !== null) return DELIVERY_DONE;
  if (kind === 'waiting' && (link.statusReportedAt !== null || request.status !== 'pending')) return DELIVERY_DONE;
  if (kind === 'decision' && request.status === 'pending') return DELIVERY_DONE;
  const state = kind === 'decision' ? reviewState(request.status) : undefined;
  const app = githubApp(deps.config);
  if (app === null) {
    await record(deps, requestId, 'github.report_failed', { kind, reason: 'not_configured', final: true });
    return DELIVERY_DONE;
  }
  const comment = await reportComment(deps, request, kind);
  const started = Date.now();
  let status: number | null = null;
  let error: string | undefined;
  try {
    status = await postReview(app, link, { comment, ...(state === undefined ? {} : { state }) });
  } catch (caught) {
    const withStatus = caught as { status?: unknown; message?: unknown };
    status = typeof withStatus.status === 'number' ? withStatus.status : null;
    error = status === null ? String(withStatus.message ?? caught) : undefined;
  }
  const durationMs = Date.now() - started;
  const ok = status !== null && status >= 200 && status < 300;
  const retry = !ok && retryable(status) && !input.last;
  await record(
    deps,
    requestId,
    ok ? 'github.reported' : 'github.report_failed',
    {
      kind,
      ...(state === undefined ? {} : { state }),
      environment: link.environment,
      runId: link.runId.toString(),
      attempt: input.attempt,
      status,
      durationMs,
      ...(error === undefined ? {} : { error }),
      ...(!ok && !retry ? { final: true } : {}),
    },
    ok
      ? kind === 'waiting'
        ? { statusReportedAt: deps.now() }
        : { reportedState: state, reportedAt: deps.now() }
      : null,
  );
  if (ok || !retry) return DELIVERY_DONE;
  return { done: false, why: error ?? `GitHub answered ${status}` };
}

/** Audits an attempt (and remembers a delivered report) under the request's row lock. */
async function record(
  deps: CoreDeps,
  requestId: string,
  type: string,
  details: Record<string, unknown>,
  delivered: { statusReportedAt: Date } | { reportedState: string | undefined; reportedAt: Date } | null = null,
): Promise<void> {
  const locked = await withLockedRequest(deps, requestId, async (tx, current) => {
    if (current === null) return null;
    if (delivered !== null) await tx.githubDeployment.update({ where: { requestId }, data: delivered });
    await recordAudit(tx, { requestId, type, actor: SYSTEM, details });
    return current;
  });
  if (locked?.expiredNow) await deps.effects.requestsChanged([locked.request]);
}
