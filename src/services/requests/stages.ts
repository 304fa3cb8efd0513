import { z } from 'zod';
import { awaitedApprovers, type StageProgress, type StageRule, stageProgress } from '../../domain/decision.ts';
import { AppError } from '../../errors.ts';
import type { AuditInput } from '../audit/audit.ts';
import type { CoreDeps } from '../ports.ts';
import { expandApprovers } from '../routing/approvers.ts';
import { routeStagesAroundAway } from '../routing/away-routing.ts';
import type { Route } from '../routing/route.ts';
import { type Stage, workflowOf } from '../routing/rule-schema.ts';
import type { RequestRow } from './store.ts';

const ZStageApprovers = z.array(z.array(z.string()));

/**
 * A chained request's stages: names and quorums from its workflow snapshot, approvers as expanded at
 * creation (`stage_approvers`). Null for a request without stages (or whose columns disagree, which
 * only a hand-edited row could produce: it is then decided as a single stage by `approver_ids`).
 */
export function requestStages(request: Pick<RequestRow, 'workflow' | 'stageApprovers'>): StageRule[] | null {
  const stages = workflowOf(request.workflow).stages;
  const approvers = ZStageApprovers.safeParse(request.stageApprovers);
  if (stages === null || !approvers.success || approvers.data.length !== stages.length) return null;
  return stages.map((stage, index) => ({
    name: stage.name,
    requiredApprovals: stage.requiredApprovals,
    approverIds: approvers.data[index] ?? [],
  }));
}

/** Where a chained request stands (null without stages). */
export function requestStageProgress(
  request: Pick<RequestRow, 'workflow' | 'stageApprovers' | 'votes'>,
): (StageProgress & { stages: StageRule[] }) | null {
  const stages = requestStages(request);
  return stages === null ? null : { ...stageProgress(stages, request.votes), stages };
}

/**
 * Whom a request waits for now (domain `awaitedApprovers`): its approvers who have not voted, never the
 * requester; with stages, only the current stage's.
 */
export function requestAwaitedApprovers(
  request: Pick<RequestRow, 'workflow' | 'stageApprovers' | 'votes' | 'approverIds' | 'requesterSlackId'>,
): string[] {
  return awaitedApprovers({
    approverIds: request.approverIds,
    stages: requestStages(request),
    votes: request.votes,
    requesterId: request.requesterSlackId,
  });
}

/** "Stage 2 (Security)": how people are told about a stage. */
export function stageLabel(stages: readonly Pick<StageRule, 'name'>[], index: number): string {
  return `Stage ${index + 1} (${stages[index]?.name ?? '?'})`;
}

/** Each stage's approvers expanded (user groups → people), in stage order, for a new request. */
export async function expandStages(deps: Pick<CoreDeps, 'slack' | 'caches'>, stages: readonly Stage[]) {
  const expanded: string[][] = [];
  for (const stage of stages) expanded.push(await expandApprovers(deps, stage.approvers));
  return expanded;
}

/**
 * A new request's chain, when its route has stages: each stage's approvers expanded and routed around
 * whoever is away (away-routing.ts `routeStagesAroundAway`: delegates stand in, a stage short of its
 * quorum asks everyone in it; `routingNotes` says so), every stage able to reach its quorum without
 * the requester (else 422, naming the stage), `approver_ids` the union of the stages (so whatever
 * lists a request's approvers keeps working) and the quorum their sum. Null for a route without stages.
 */
export async function routedStages(
  deps: Pick<CoreDeps, 'slack' | 'caches' | 'db' | 'away'>,
  route: Route,
  requesterId: string,
  now: Date,
) {
  const stages = route.outcome === 'require_approval' ? route.workflow.stages : null;
  if (stages === null) return null;
  const expanded = await expandStages(deps, stages);
  const routed = await routeStagesAroundAway(
    deps,
    stages.map((stage, index) => ({ approverIds: expanded[index] ?? [], requiredApprovals: stage.requiredApprovals })),
    { requesterId, now },
  );
  const { stageApprovers } = routed;
  for (const [index, stage] of stages.entries()) {
    const eligible = (stageApprovers[index] ?? []).filter((id) => id !== requesterId).length;
    if (eligible < stage.requiredApprovals) {
      throw new AppError(
        'unprocessable',
        `${stageLabel(stages, index)} needs ${stage.requiredApprovals} approval(s) but only ${eligible} approver(s) other than the requester are routed to it`,
      );
    }
  }
  return {
    stageApprovers,
    approverIds: [...new Set(stageApprovers.flat())],
    requiredApprovals: stages.reduce((sum, stage) => sum + stage.requiredApprovals, 0),
    routingNotes: routed.notes,
    audit: stages.map((stage, index) => ({
      name: stage.name,
      requiredApprovals: stage.requiredApprovals,
      approvers: stageApprovers[index] ?? [],
    })),
  };
}

/** A stage's name, or "" when there is none at that index. */
export function stageName(chain: { stages: readonly StageRule[] }, index: number | null): string {
  return index === null ? '' : (chain.stages[index]?.name ?? '');
}

/**
 * The audit events of a vote that moved a chain on: `stage.completed` for each stage it completed
 * (with who approved it) and `stage.started` for the stage that now decides (with its approvers).
 */
export function stageChangeEvents(
  requestId: string,
  before: StageProgress & { stages: readonly StageRule[] },
  after: StageProgress,
): AuditInput[] {
  const { stages } = before;
  const events: AuditInput[] = [];
  const actor = { type: 'system' } as const;
  for (let index = before.current; index < after.current; index += 1) {
    events.push({
      requestId,
      type: 'stage.completed',
      actor,
      details: { stage: index, name: stages[index]?.name ?? null, approvedBy: after.approvedBy[index] ?? [] },
    });
  }
  if (after.current > before.current && after.current < stages.length && after.status === 'pending') {
    events.push({
      requestId,
      type: 'stage.started',
      actor,
      details: {
        stage: after.current,
        name: stages[after.current]?.name ?? null,
        approvers: stages[after.current]?.approverIds ?? [],
      },
    });
  }
  return events;
}

/** done | current | waiting: how a stage stands (the API's `stages[].status`, the card's marks). */
export function stageStatus(chain: StageProgress, index: number, pending: boolean): 'done' | 'current' | 'waiting' {
  if (index < chain.current) return 'done';
  return index === chain.current && pending ? 'current' : 'waiting';
}
