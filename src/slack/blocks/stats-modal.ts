import type { KnownBlock, ModalView, SectionBlock } from '@slack/types';
import type { WindowStats } from '../../services/stats/window-stats.ts';
import { CALLBACK_IDS } from '../ids.ts';
import { slackDate } from './kit/date.ts';
import { formatDuration } from './kit/duration.ts';
import { escapeMrkdwn, LIMITS, truncate } from './kit/limits.ts';
import { context, header, mrkdwn, plain, section } from './kit/text.ts';

/** A share as a percentage with at most one decimal (`66.7%`, `75%`); `—` for no share. */
export function formatShare(share: number | null): string {
  if (share === null) return '—';
  return `${Math.round(share * 1000) / 10}%`;
}

function fields(texts: string[]): SectionBlock {
  return { type: 'section', fields: texts.map((text) => mrkdwn(text, LIMITS.fieldText)) };
}

/** A list's lines, or a word saying it is empty. */
function list(title: string, lines: string[]): SectionBlock {
  return section(`${title}\n${lines.length === 0 ? '_None in this window._' : lines.join('\n')}`);
}

/** One window: the numbers in fields, then the three top lists. */
export function windowBlocks(stats: WindowStats): KnownBlock[] {
  const { outcomes } = stats;
  const settled = outcomes.approved + outcomes.denied + outcomes.expired + outcomes.cancelled;
  const name = (text: string, max: number) => truncate(escapeMrkdwn(text), max);
  return [
    header(`Last ${stats.days} days`),
    fields([
      `*Requests*\n${stats.requests} (${stats.autoDecided} decided by rules)`,
      `*Approved*\n${formatShare(stats.approvalRate)} (${outcomes.approved} of ${settled} settled)`,
      `*Expired*\n${formatShare(stats.expiredShare)} (${outcomes.expired})`,
      `*Denied · cancelled*\n${outcomes.denied} · ${outcomes.cancelled}`,
      `*Still pending*\n${outcomes.pending}`,
      `*Time to decide*\nmedian ${formatDuration(stats.timeToDecide.median)} · p90 ${formatDuration(stats.timeToDecide.p90)} (${stats.decided} decisions)`,
      `*Executions failed*\n${stats.executions.failed} of ${stats.executions.reported} reported`,
      `*Callbacks given up*\n${stats.callbacks.failed} (${stats.callbacks.delivered} delivered)`,
      `*Cards Slack refused*\n${stats.cardFailures}`,
    ]),
    list(
      '*Top actions*',
      stats.topActions.map(({ action, requests }) => `\`${name(action, 200)}\` — ${requests}`),
    ),
    list(
      '*Slowest rules* (median · p90 · decisions)',
      stats.slowestRules.map(
        (rule) =>
          `${rule.rule === null ? '_default route_' : `*${name(rule.rule, 200)}*`} — ${formatDuration(rule.median)} · ${formatDuration(rule.p90)} · ${rule.decided}`,
      ),
    ),
    list(
      '*Approvers by load* (votes · approved · median time to vote)',
      stats.approvers.map(
        (approver) =>
          `<@${approver.userId}> — ${approver.votes} · ${approver.approvals} · ${formatDuration(approver.medianSeconds)}`,
      ),
    ),
  ];
}

/**
 * The admins' "Approval stats" modal: each window's requests and outcomes, time to decide, failure
 * counts and top lists. `null` is the placeholder opened at once while the numbers are computed.
 */
export function buildStatsModal(windows: WindowStats[] | null): ModalView {
  const first = windows?.[0];
  const blocks: KnownBlock[] =
    windows === null || first === undefined
      ? [section('_Computing the numbers…_')]
      : [
          context(
            `Requests created, votes cast and audit events written in each window, as of ${slackDate(first.to)}. ` +
              'Rates are shares of the requests no longer pending; times to decide count approvals and denials by approvers.',
          ),
          ...windows.flatMap((stats, index) => [
            ...(index === 0 ? [] : [{ type: 'divider' } as const]),
            ...windowBlocks(stats),
          ]),
        ];
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.statsModal,
    title: plain('Approval stats'),
    close: plain('Close'),
    blocks,
  };
}
