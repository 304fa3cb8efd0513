import type { SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { WindowStats } from '../../../../src/services/stats/window-stats.ts';
import { formatDuration } from '../../../../src/slack/blocks/kit/duration.ts';
import { buildStatsModal, formatShare, windowBlocks } from '../../../../src/slack/blocks/stats-modal.ts';
import { validateView } from '../../../support/block-kit.ts';

const to = new Date('2026-11-23T12:00:00Z');

const week: WindowStats = {
  days: 7,
  from: new Date('2026-11-16T12:00:00Z'),
  to,
  requests: 12,
  outcomes: { approved: 6, denied: 1, expired: 1, cancelled: 1, pending: 3 },
  autoDecided: 2,
  approvalRate: 6 / 9,
  expiredShare: 1 / 9,
  decided: 5,
  timeToDecide: { median: 270, p90: 3900 },
  topActions: [
    { action: 'db.drop_table', requests: 7 },
    { action: 'deploy <prod>', requests: 5 },
  ],
  slowestRules: [
    { rule: 'Prod & DB', decided: 3, median: 7260, p90: 90_000 },
    { rule: null, decided: 2, median: 42, p90: 59.6 },
  ],
  approvers: [{ userId: 'U0APPROVA1', votes: 4, approvals: 3, medianSeconds: 150 }],
  cardFailures: 1,
  executions: { reported: 4, failed: 1 },
  callbacks: { delivered: 9, failed: 2 },
};

const month: WindowStats = {
  ...week,
  days: 30,
  from: new Date('2026-10-24T12:00:00Z'),
  requests: 0,
  outcomes: { approved: 0, denied: 0, expired: 0, cancelled: 0, pending: 0 },
  autoDecided: 0,
  approvalRate: null,
  expiredShare: null,
  decided: 0,
  timeToDecide: { median: null, p90: null },
  topActions: [],
  slowestRules: [],
  approvers: [],
  cardFailures: 0,
  executions: { reported: 0, failed: 0 },
  callbacks: { delivered: 0, failed: 0 },
};

const texts = (block: unknown): string[] => {
  const b = block as SectionBlock;
  return b.fields ? b.fields.map((field) => field.text) : [b.text?.text ?? ''];
};

describe('approval stats formatting', () => {
  it('writes durations for people', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(59.4)).toBe('59 s');
    expect(formatDuration(59.6)).toBe('1 min');
    expect(formatDuration(270)).toBe('5 min');
    expect(formatDuration(3600)).toBe('1 h 0 min');
    expect(formatDuration(3900)).toBe('1 h 5 min');
    expect(formatDuration(90_000)).toBe('1 d 1 h');
  });

  it('writes shares with at most one decimal', () => {
    expect(formatShare(null)).toBe('—');
    expect(formatShare(0)).toBe('0%');
    expect(formatShare(0.75)).toBe('75%');
    expect(formatShare(6 / 9)).toBe('66.7%');
    expect(formatShare(1)).toBe('100%');
  });

  it('shows one window’s numbers and top lists exactly', () => {
    const [title, numbers, actions, rules, approvers] = windowBlocks(week);
    expect(JSON.stringify(title)).toContain('Last 7 days');
    expect(texts(numbers)).toEqual([
      '*Requests*\n12 (2 decided by rules)',
      '*Approved*\n66.7% (6 of 9 settled)',
      '*Expired*\n11.1% (1)',
      '*Denied · cancelled*\n1 · 1',
      '*Still pending*\n3',
      '*Time to decide*\nmedian 5 min · p90 1 h 5 min (5 decisions)',
      '*Executions failed*\n1 of 4 reported',
      '*Callbacks given up*\n2 (9 delivered)',
      '*Cards Slack refused*\n1',
    ]);
    expect(texts(actions)).toEqual(['*Top actions*\n`db.drop_table` — 7\n`deploy &lt;prod&gt;` — 5']);
    expect(texts(rules)).toEqual([
      '*Slowest rules* (median · p90 · decisions)\n*Prod &amp; DB* — 2 h 1 min · 1 d 1 h · 3\n_default route_ — 42 s · 1 min · 2',
    ]);
    expect(texts(approvers)).toEqual([
      '*Approvers by load* (votes · approved · median time to vote)\n<@U0APPROVA1> — 4 · 3 · 3 min',
    ]);
  });

  it('says so when a window is empty', () => {
    const [, numbers, actions] = windowBlocks(month);
    expect(texts(numbers)).toContain('*Approved*\n— (0 of 0 settled)');
    expect(texts(numbers)).toContain('*Time to decide*\nmedian — · p90 — (0 decisions)');
    expect(texts(actions)).toEqual(['*Top actions*\n_None in this window._']);
  });

  it('builds a valid modal, with a placeholder while computing', () => {
    const loading = buildStatsModal(null);
    expect(validateView(loading)).toEqual([]);
    expect(JSON.stringify(loading.blocks)).toContain('Computing');
    const full = buildStatsModal([week, month]);
    expect(validateView(full)).toEqual([]);
    expect(full.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(full.blocks)).toContain('Last 30 days');
  });

  it('stays within Block Kit limits with the longest names there can be', () => {
    const long = 'x'.repeat(5000);
    const heavy: WindowStats = {
      ...week,
      topActions: Array.from({ length: 5 }, (_, i) => ({ action: `${i}${long}`, requests: 1 })),
      slowestRules: Array.from({ length: 5 }, (_, i) => ({ rule: `${i}${long}`, decided: 1, median: 1, p90: 1 })),
    };
    expect(validateView(buildStatsModal([heavy, heavy]))).toEqual([]);
  });
});
