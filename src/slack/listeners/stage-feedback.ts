import type { DecideResult } from '../../services/requests/decide.ts';
import { requestStageProgress, stageLabel } from '../../services/requests/stages.ts';

/**
 * Multi-stage chains: what a refused voter is told — their stage has not started, or they are not an
 * approver of the stage deciding now, or (already voted) in which stage their vote counted. Null for
 * a request without stages, or a refusal that says nothing about stages (explainDecision answers).
 */
export function explainStageRefusal(result: Extract<DecideResult, { kind: 'refused' }>): string | null {
  const chain = requestStageProgress(result.request);
  if (chain === null) return null;
  const current = stageLabel(chain.stages, chain.current);
  const approvers = (chain.stages[chain.current]?.approverIds ?? []).map((id) => `<@${id}>`).join(', ');
  switch (result.reason) {
    case 'stage_not_started':
      return `${stageLabel(chain.stages, result.stage ?? chain.current)} has not started yet: ${current} is deciding now. You will be mentioned when it is your turn.`;
    case 'not_in_current_stage':
    case 'not_an_approver':
      return `You are not an approver of the current stage, ${current}. Its approvers are ${approvers}.`;
    case 'already_voted':
      return `You already voted on this request; a person counts in one stage only. ${current} is deciding now.`;
    default:
      return null;
  }
}
