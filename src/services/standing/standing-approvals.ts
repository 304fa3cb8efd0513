import { AppError } from '../../errors.ts';
import type { StandingApproval } from '../../generated/prisma/client.ts';
import { recordAudit } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';
import type { RequestRow } from '../requests/store/reads.ts';
import type { Tx } from '../types.ts';

export type { StandingApproval };

/** How long "Approve this tool for 15 minutes" covers later calls. */
export const STANDING_APPROVAL_SECONDS = 15 * 60;
/** The context key greenlight mcp-proxy binds a tool call's exact arguments under (src/mcp/proxy/tool-call.ts). */
export const ARGUMENTS_HASH_KEY = 'mcp.arguments_sha256';

/** What a later request must share with the approved one to be covered: one client, requester, tool and arguments. */
export interface StandingScope {
  apiClientId: string;
  requesterSlackId: string;
  action: string;
  resource: string;
  environment: string | null;
  argumentsSha256: string;
}

/**
 * The scope a request offers for a standing approval: an MCP tool call (its context binds the
 * arguments' hash) asked by an API client for one approval. Null for anything else: those requests
 * offer Approve only.
 */
export function standingScopeOf(
  request: Pick<
    RequestRow,
    'apiClientId' | 'requesterSlackId' | 'action' | 'resource' | 'environment' | 'context' | 'requiredApprovals'
  >,
): StandingScope | null {
  const hash = (request.context as Record<string, unknown> | null)?.[ARGUMENTS_HASH_KEY];
  if (request.apiClientId === null || typeof hash !== 'string' || request.requiredApprovals !== 1) return null;
  if (!request.action.startsWith('mcp.')) return null;
  return {
    apiClientId: request.apiClientId,
    requesterSlackId: request.requesterSlackId,
    action: request.action,
    resource: request.resource,
    environment: request.environment,
    argumentsSha256: hash,
  };
}

/**
 * Records a standing approval given by `approvedBy` on an approved request, for
 * {@link STANDING_APPROVAL_SECONDS} from now, and audits it (`standing_approval.granted`).
 */
export async function grantStandingApproval(
  deps: Pick<CoreDeps, 'db' | 'now'>,
  request: RequestRow,
  approvedBy: string,
): Promise<StandingApproval> {
  const scope = standingScopeOf(request);
  if (scope === null || request.status !== 'approved') {
    throw new AppError('conflict', 'this request cannot be approved for a while');
  }
  const now = deps.now();
  return deps.db.$transaction(async (tx) => {
    const standing = await tx.standingApproval.create({
      data: {
        ...scope,
        requestId: request.id,
        approvedBy,
        createdAt: now,
        expiresAt: new Date(now.getTime() + STANDING_APPROVAL_SECONDS * 1000),
      },
    });
    await recordAudit(tx, {
      type: 'standing_approval.granted',
      actor: { type: 'user', id: approvedBy },
      details: { standingApprovalId: standing.id, ...scope, expiresAt: standing.expiresAt.toISOString() },
    });
    return standing;
  });
}

/**
 * The standing approval covering a new request, if one does: same scope, not expired at `at`, not
 * revoked, and given by someone the request is routed to who is not its requester (separation of
 * duties holds for standing approvals too).
 */
export async function findCoveringApproval(
  tx: Tx,
  scope: StandingScope,
  approverIds: readonly string[],
  at: Date,
): Promise<StandingApproval | null> {
  const candidates = await tx.standingApproval.findMany({
    where: {
      ...scope,
      expiresAt: { gt: at },
      revokedAt: null,
      approvedBy: { in: approverIds.filter((id) => id !== scope.requesterSlackId) },
    },
    orderBy: { expiresAt: 'desc' },
    take: 1,
  });
  return candidates[0] ?? null;
}

/** Standing approvals still in force that `userId` gave (all of them for an admin), soonest to end first. */
export function listActiveStandingApprovals(
  deps: Pick<CoreDeps, 'db' | 'now'>,
  userId: string,
  admin: boolean,
  take = 10,
): Promise<StandingApproval[]> {
  return deps.db.standingApproval.findMany({
    where: { revokedAt: null, expiresAt: { gt: deps.now() }, ...(admin ? {} : { approvedBy: userId }) },
    orderBy: { expiresAt: 'asc' },
    take,
  });
}

/**
 * Revokes a standing approval: only the person who gave it or an admin may. Later calls are asked
 * again. Audited as `standing_approval.revoked`; revoking one already ended changes nothing.
 */
export async function revokeStandingApproval(
  deps: Pick<CoreDeps, 'db' | 'now'>,
  input: { id: string; userId: string; admin: boolean },
): Promise<'revoked' | 'ended'> {
  return deps.db.$transaction(async (tx) => {
    const standing = await tx.standingApproval.findUnique({ where: { id: input.id } });
    if (standing === null) throw new AppError('not_found', 'no such standing approval');
    if (!input.admin && standing.approvedBy !== input.userId) {
      throw new AppError('forbidden', 'only the approver who gave it or an admin may revoke it');
    }
    const now = deps.now();
    const changed = await tx.standingApproval.updateMany({
      where: { id: standing.id, revokedAt: null, expiresAt: { gt: now } },
      data: { revokedAt: now, revokedBy: input.userId },
    });
    if (changed.count === 0) return 'ended';
    await recordAudit(tx, {
      type: 'standing_approval.revoked',
      actor: { type: 'user', id: input.userId },
      details: { standingApprovalId: standing.id, requestId: standing.requestId, action: standing.action },
    });
    return 'revoked';
  });
}
