import { describe, expect, it } from 'vitest';
import { renderBlocks, renderMessage, renderView } from '../../../../src/playground/render/index.ts';
import type { HomeData } from '../../../../src/services/home/home-data.ts';
import type { RequestRow } from '../../../../src/services/requests/store.ts';
import type { RuleRow } from '../../../../src/services/routing/rule-row.ts';
import { NO_WORKFLOW } from '../../../../src/services/routing/rule-schema.ts';
import { buildApiKeyCreatedModal, buildApiKeyModal } from '../../../../src/slack/blocks/api-key-modal.ts';
import { buildAwayModal } from '../../../../src/slack/blocks/away-modal.ts';
import { buildBreakGlassModal, buildBreakGlassReviewModal } from '../../../../src/slack/blocks/break-glass-modals.ts';
import { buildCard } from '../../../../src/slack/blocks/card.ts';
import { breakGlassAnnouncement } from '../../../../src/slack/blocks/card-break-glass.ts';
import { buildExportModal } from '../../../../src/slack/blocks/export-modal.ts';
import { buildExtensionModal } from '../../../../src/slack/blocks/extension-blocks.ts';
import { buildGrantModal } from '../../../../src/slack/blocks/grant-modal.ts';
import { buildHomeView } from '../../../../src/slack/blocks/home-view.ts';
import { buildIdentityModal } from '../../../../src/slack/blocks/identity-modal.ts';
import { buildMessageModal } from '../../../../src/slack/blocks/message-modal.ts';
import { questionDm } from '../../../../src/slack/blocks/needs-info-notices.ts';
import { dmMessage } from '../../../../src/slack/blocks/notifications.ts';
import { buildQuestionModal, buildReplyModal } from '../../../../src/slack/blocks/question-modal.ts';
import { buildReasonModal } from '../../../../src/slack/blocks/reason-modal.ts';
import { buildRequestModal } from '../../../../src/slack/blocks/request-modal.ts';
import { buildRevokeModal } from '../../../../src/slack/blocks/revoke-modal.ts';
import { buildRuleEditorModal } from '../../../../src/slack/blocks/rule-editor-modal.ts';
import {
  buildRuleSimulatorModal,
  buildRuleSimulatorResult,
} from '../../../../src/slack/blocks/rule-simulator-modal.ts';
import { buildStatsModal } from '../../../../src/slack/blocks/stats-modal.ts';
import { approvedRow, requestRow } from '../../../support/request-row.ts';
import { demoContext } from './context.ts';

type Json = Record<string, unknown>;

/** Every value of `key` anywhere in a JSON tree (action ids, block ids). */
function collect(value: unknown, key: string, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) collect(item, key, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value as Json)) {
      if (k === key && typeof v === 'string') into.push(v);
      else collect(v, key, into);
    }
  }
  return into;
}

const attr = (value: string) => value.replaceAll('&', '&amp;').replaceAll('"', '&quot;');

/**
 * Renders without a placeholder, and every block id and action id the builder set reaches the page
 * (so each interactive element can be pressed, and each input read back).
 */
function expectFaithful(html: string, source: unknown): void {
  expect(html).not.toContain('bk-unsupported');
  for (const id of collect(source, 'block_id')) expect(html).toContain(`data-block-id="${attr(id)}"`);
  for (const id of collect(source, 'action_id')) expect(html).toContain(`data-action-id="${attr(id)}"`);
}

const rule = (overrides: Partial<RuleRow> = {}): RuleRow => ({
  id: 'rule-1',
  name: 'Production databases',
  priority: 1,
  enabled: true,
  actionPatterns: ['db.*'],
  resourcePatterns: ['prod/**'],
  environments: ['production'],
  minRisk: 'high',
  timeCondition: { mode: 'outside', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', timeZone: 'Europe/Berlin' },
  outcome: 'require_approval',
  denyMessage: null,
  channelId: 'C0APPROVAL',
  ...NO_WORKFLOW,
  managedBy: null,
  approvers: ['U0APPROVA1', 'S0APPROVER'],
  requiredApprovals: 2,
  ttlSeconds: 600,
  grantSeconds: 3600,
  requireReason: true,
  updatedAt: new Date('2026-11-23T10:00:00Z'),
  ...overrides,
});

const FULL_WORKFLOW = {
  stages: [
    { name: 'Team lead', approvers: ['U0APPROVA1'], requiredApprovals: 1 },
    { name: 'DBA', approvers: ['U0APPROVB1', 'S0APPROVER'], requiredApprovals: 2 },
  ],
  reminder: { afterSeconds: 60, repeatSeconds: 300 },
  escalation: [{ afterSeconds: 600, approvers: ['U0ONCALL01'], channelId: 'C0APPROVAL' }],
  breakGlass: { allowed: true, channelId: 'C0INCIDENT' },
  needsInfo: { extendSeconds: 900 },
} satisfies Partial<RuleRow>;

const question = {
  id: 'q-1',
  asker: 'U0APPROVA1',
  question: 'Which *backup* covers this?',
  answer: null,
  askedAt: new Date('2026-11-23T10:02:00Z'),
  answeredAt: null,
  extendedBySeconds: 900,
  askedThreadAt: null,
  askedDmAt: null,
  answeredThreadAt: null,
  answeredDmAt: null,
};

const cards: Record<string, RequestRow> = {
  pending: requestRow(),
  'pending, critical (confirm)': requestRow({ risk: 'critical' }),
  'pending, 1 of 2 approvals': requestRow({
    requiredApprovals: 2,
    approverIds: ['U0APPROVA1', 'U0APPROVB1'],
    votes: [{ voterId: 'U0APPROVA1', decision: 'approve', reason: null, stage: null, createdAt: new Date() }],
  }),
  'pending, stages': requestRow({
    workflow: FULL_WORKFLOW,
    stageApprovers: [['U0APPROVA1'], ['U0APPROVB1', 'U0ONCALL01']],
  }),
  'pending, break glass offered': requestRow({ workflow: { breakGlass: { allowed: true, channelId: 'C0INCIDENT' } } }),
  'pending, needs info': requestRow({
    workflow: { needsInfo: { extendSeconds: 900 } },
    questions: [question],
  } as Partial<RequestRow>),
  'pending, escalated': requestRow({
    escalations: [{ level: 1, at: '2026-11-23T10:10:00.000Z', approvers: ['U0ONCALL01'], channelId: null }],
  }),
  approved: approvedRow(),
  'approved by break glass': approvedRow({
    workflow: { breakGlass: { allowed: true, channelId: 'C0INCIDENT' } },
    decidedBy: 'U0REQUEST1',
    breakGlassReason: 'Prod is down',
  } as Partial<RequestRow>),
  denied: requestRow({
    status: 'denied',
    decidedBy: 'U0APPROVA1',
    decidedAt: new Date('2026-11-23T10:05:00Z'),
    decisionReason: 'Change freeze',
  }),
  expired: requestRow({ status: 'expired', decidedAt: new Date('2026-11-23T10:15:00Z') }),
  cancelled: requestRow({ status: 'cancelled', decidedAt: new Date('2026-11-23T10:03:00Z') }),
  revoked: approvedRow({
    status: 'revoked',
    grantEndedAt: new Date('2026-11-23T10:07:00Z'),
    grantEndedBy: 'U0APPROVA1',
    grantEndReason: 'Done early',
  }),
};

describe('rendering the cards the app posts', () => {
  for (const [state, row] of Object.entries(cards)) {
    it(`renders the ${state} card faithfully`, () => {
      const card = buildCard(row);
      expectFaithful(renderMessage(card, demoContext()), card.blocks);
    });
  }

  it('shows the buttons of a pending card as buttons with their styles and confirm dialog', () => {
    const html = renderBlocks(buildCard(requestRow({ risk: 'critical' })).blocks, demoContext());
    expect(html).toMatch(
      /<button type="button" class="bk-button bk-button--primary" data-bk-type="button" data-action-id="approve_request"/,
    );
    expect(html).toMatch(/data-action-id="deny_request"[^>]*data-style="danger"/);
    expect(html).toMatch(/data-action-id="approve_request"[^>]*>Approve<\/button><dialog class="bk-confirm"/);
    expect(html).toContain('@Rita');
  });

  it('renders the DMs and announcements that carry blocks', () => {
    for (const message of [
      dmMessage(approvedRow(), 'outcome'),
      dmMessage(requestRow(), 'submitted'),
      dmMessage(
        approvedRow({ status: 'revoked', grantEndedAt: new Date(), grantEndedBy: 'U0APPROVA1' }),
        'grant_ended',
      ),
      questionDm(requestRow({ questions: [question] } as Partial<RequestRow>), question),
      breakGlassAnnouncement(cards['approved by break glass'] as RequestRow),
    ]) {
      expectFaithful(renderMessage(message, demoContext()), message.blocks);
    }
  });
});

const modals: Record<string, () => unknown> = {
  request: () =>
    buildRequestModal({
      prefill: { action: 'db.drop_table', resource: 'prod/customers' },
      ttl: { min: 60, max: 3600, default: 900 },
    }),
  'deny reason': () =>
    buildReasonModal({ decision: 'deny', requestId: 'r1', action: 'db.drop_table', resource: 'prod/customers' }),
  'approve reason': () =>
    buildReasonModal({ decision: 'approve', requestId: 'r1', action: 'db.drop_table', resource: 'prod/customers' }),
  'rule editor (new)': () => buildRuleEditorModal(),
  'rule editor (every workflow setting)': () =>
    buildRuleEditorModal(rule(FULL_WORKFLOW), new Map([['S0APPROVER', '@approvers']])),
  'rule simulator': () => buildRuleSimulatorModal(),
  'rule simulator result': () =>
    buildRuleSimulatorResult({
      action: 'db.drop_table',
      resource: 'prod/customers',
      environment: 'production',
      risk: 'high',
      at: new Date('2026-11-23T10:00:00Z'),
      match: { name: 'Production databases', outcome: 'require_approval' },
      verdicts: [{ name: 'Production databases', matched: true, reasons: ['action matches db.*'] }],
    }),
  'API key': () => buildApiKeyModal(),
  'API key created': () =>
    buildApiKeyCreatedModal('deploy-bot', { secret: 'gl_secret', callbackSecret: 'whsec_x', scope: 'request' }),
  'away (not away)': () => buildAwayModal(null),
  'away (away)': () =>
    buildAwayModal({
      slackUserId: 'U0APPROVA1',
      awayUntil: new Date('2026-11-30T10:00:00Z'),
      delegateId: 'U0APPROVB1',
      setAt: new Date('2026-11-23T10:00:00Z'),
    }),
  export: () => buildExportModal(),
  identity: () => buildIdentityModal(),
  message: () => buildMessageModal('Done', 'It *worked*.'),
  question: () =>
    buildQuestionModal({
      requestId: 'r1',
      questionId: 'q1',
      action: 'db.drop_table',
      resource: 'prod/customers',
      requesterSlackId: 'U0REQUEST1',
      expiresAt: new Date('2026-11-23T10:15:00Z'),
      extendSeconds: 900,
    }),
  reply: () => buildReplyModal({ requestId: 'r1', questionId: 'q1', asker: 'U0APPROVA1', question: 'Why?' }),
  revoke: () =>
    buildRevokeModal({
      requestId: 'r1',
      action: 'db.drop_table',
      resource: 'prod/customers',
      requesterSlackId: 'U0REQUEST1',
    }),
  grant: () => buildGrantModal(approvedRow(), 'https://greenlight.example'),
  'break glass': () => buildBreakGlassModal({ requestId: 'r1', action: 'db.drop_table', resource: 'prod/customers' }),
  'break glass review': () =>
    buildBreakGlassReviewModal({
      requestId: 'r1',
      action: 'db.drop_table',
      resource: 'prod/customers',
      requesterSlackId: 'U0REQUEST1',
      reason: 'Prod is down',
    }),
  extension: () => buildExtensionModal(approvedRow()),
  'stats (computing)': () => buildStatsModal(null),
};

describe('rendering the modals the app opens', () => {
  for (const [name, build] of Object.entries(modals)) {
    it(`renders the ${name} modal faithfully`, () => {
      const view = build() as Json;
      const html = renderView(view, demoContext({ surface: 'modal' }));
      expectFaithful(html, view.blocks);
      expect(html).toContain('<form class="bk-view bk-modal"');
      expect(html).toContain(`>${String((view.title as Json).text)}</h2>`);
    });
  }
});

describe('rendering App Home', () => {
  const empty = { items: [], page: 0, hasMore: false };
  const base = { mine: empty, awaiting: empty, grants: empty, decisions: empty };
  const homes: Record<string, HomeData> = {
    requester: {
      ...base,
      userId: 'U0REQUEST1',
      isAdmin: false,
      mine: { items: [requestRow()], page: 0, hasMore: true },
    },
    approver: {
      ...base,
      userId: 'U0APPROVA1',
      isAdmin: false,
      awaiting: { items: [requestRow()], page: 0, hasMore: false },
      grants: { items: [approvedRow()], page: 0, hasMore: false },
      decisions: { items: [{ request: approvedRow(), decision: 'approve', at: new Date() }], page: 1, hasMore: true },
      away: {
        slackUserId: 'U0APPROVA1',
        awayUntil: new Date('2026-11-30T10:00:00Z'),
        delegateId: null,
        setAt: new Date(),
      },
    },
    admin: {
      ...base,
      userId: 'U0ADMIN01',
      isAdmin: true,
      rules: { items: [rule(), rule({ id: 'rule-2', ...FULL_WORKFLOW })], page: 0, hasMore: false, total: 2 },
      keys: {
        items: [
          {
            id: 'k1',
            name: 'deploy-bot',
            keyPrefix: 'gl_abcd',
            origin: 'admin',
            scope: 'request',
            createdBy: 'U0ADMIN01',
            createdAt: new Date(),
            lastUsedAt: null,
          },
        ],
        page: 0,
        hasMore: false,
      },
      breakGlass: { items: [cards['approved by break glass'] as RequestRow], total: 1 },
      awayList: [
        { slackUserId: 'U0APPROVA1', awayUntil: new Date('2026-11-30T10:00:00Z'), delegateId: null, setAt: new Date() },
      ],
      identities: { items: [], page: 0, hasMore: false },
    },
  };
  for (const [who, data] of Object.entries(homes)) {
    it(`renders the ${who}'s Home faithfully`, () => {
      const view = buildHomeView(data);
      const html = renderView(view, demoContext({ surface: 'home' }));
      expectFaithful(html, view.blocks);
      expect(html).toMatch(/^<div class="bk-view bk-home">/);
    });
  }
});
