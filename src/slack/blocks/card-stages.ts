import type { KnownBlock } from '@slack/types';
import type { StageProgress, StageRule } from '../../domain/decision.ts';
import { requestStageProgress, stageStatus } from '../../services/requests/stages.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { section } from './kit/text.ts';

type Chain = StageProgress & { stages: StageRule[] };

/** At most this many people named per stage line (the rest are counted), so the card stays small. */
const MAX_NAMED = 10;

function people(ids: readonly string[]): string {
  const named = ids.slice(0, MAX_NAMED).map((id) => `<@${id}>`);
  return ids.length > MAX_NAMED ? `${named.join(', ')} and ${ids.length - MAX_NAMED} more` : named.join(', ');
}

const MARK = { done: ':white_check_mark:', current: ':arrow_forward:', waiting: ':hourglass_flowing_sand:' } as const;

/**
 * Multi-stage chains on the card: every stage with its quorum, who approved it, and which one is
 * deciding now (its approvers named). Nothing for a request without stages.
 */
export function stageBlocks(request: RequestRow): KnownBlock[] {
  const chain = requestStageProgress(request);
  if (chain === null) return [];
  const lines = chain.stages.map((stage, index) => {
    const status = stageStatus(chain, index, request.status === 'pending');
    const approved = chain.approvedBy[index] ?? [];
    const head = `${MARK[status]} *Stage ${index + 1} · ${truncate(escapeMrkdwn(stage.name), 80)}* — ${approved.length} of ${stage.requiredApprovals}`;
    const by = approved.length > 0 ? ` by ${people(approved)}` : '';
    const waiting = status === 'current' ? ` · *now deciding:* ${people(stage.approverIds)}` : '';
    return `${head}${by}${waiting}`;
  });
  return [section(`*Approval stages*\n${lines.join('\n')}`)];
}

/** The thread reply when a stage starts: what the stage before decided, and a mention of the new stage's approvers. */
export function stageStartedText(chain: Chain, stage: number, requesterId: string): string {
  const previous = chain.stages[stage - 1];
  const approved = chain.approvedBy[stage - 1] ?? [];
  const current = chain.stages[stage];
  const mentions = people((current?.approverIds ?? []).filter((id) => id !== requesterId));
  return (
    `:arrow_forward: *Stage ${stage + 1} (${escapeMrkdwn(current?.name ?? '?')})* has started` +
    (previous === undefined
      ? ''
      : `: stage ${stage} (${escapeMrkdwn(previous.name)}) was approved by ${people(approved)}`) +
    `.\n${mentions}: your approval is needed (${current?.requiredApprovals ?? 1} of you).`
  );
}
