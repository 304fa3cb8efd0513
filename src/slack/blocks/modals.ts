import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { RISKS, type Risk } from '../../domain/request-status.ts';
import { CALLBACK_IDS } from '../ids.ts';
import { escapeMrkdwn, LIMITS, truncate } from './kit/limits.ts';

/** Block and action ids of the request modal's inputs, so the submit handler reads what the builder wrote. */
export const REQUEST_FIELDS = {
  action: 'action',
  resource: 'resource',
  environment: 'environment',
  risk: 'risk',
  reason: 'reason',
  ttl: 'ttl',
} as const;

export const REASON_FIELDS = { reason: 'reason' } as const;

export interface RequestPrefill {
  action?: string;
  resource?: string;
  reason?: string;
}

const RISK_TEXT: Record<Risk, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

function plain(text: string) {
  return { type: 'plain_text' as const, text, emoji: true };
}

/** Human labels for a time-to-decide, e.g. 900 → "15 minutes". */
export function describeSeconds(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}

/** The time-to-decide choices offered: common ones inside [min, max], always including the default. */
export function ttlChoices(min: number, max: number, fallback: number): number[] {
  const common = [300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 86400];
  return [...new Set([...common.filter((s) => s >= min && s <= max), fallback])].sort((a, b) => a - b);
}

/**
 * Splits `/request-action` text into a prefill: the first word is the action, the second the
 * resource, the rest the reason (a leading "because" is dropped).
 */
export function parseCommandText(text: string): RequestPrefill {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [action, resource, ...rest] = words;
  const reason = rest.join(' ').replace(/^because\s+/i, '');
  return {
    ...(action ? { action: truncate(action, 200) } : {}),
    ...(resource ? { resource: truncate(resource, 500) } : {}),
    ...(reason ? { reason: truncate(reason, 3000) } : {}),
  };
}

/** The /request-action modal, prefilled from the command's text. */
export function buildRequestModal(input: {
  prefill: RequestPrefill;
  ttl: { min: number; max: number; default: number };
  privateMetadata: string;
}): ModalView {
  const ttlOptions: PlainTextOption[] = ttlChoices(input.ttl.min, input.ttl.max, input.ttl.default).map((s) => ({
    text: plain(describeSeconds(s)),
    value: String(s),
  }));
  const riskOptions: PlainTextOption[] = RISKS.map((risk) => ({ text: plain(RISK_TEXT[risk]), value: risk }));
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: REQUEST_FIELDS.action,
      label: plain('Action'),
      hint: plain('What you are about to do, e.g. db.drop_table or deploy.production'),
      element: {
        type: 'plain_text_input',
        action_id: REQUEST_FIELDS.action,
        max_length: 200,
        ...(input.prefill.action ? { initial_value: input.prefill.action } : {}),
      },
    },
    {
      type: 'input',
      block_id: REQUEST_FIELDS.resource,
      label: plain('Resource'),
      hint: plain('What it is done to, e.g. prod/customers'),
      element: {
        type: 'plain_text_input',
        action_id: REQUEST_FIELDS.resource,
        max_length: 500,
        ...(input.prefill.resource ? { initial_value: input.prefill.resource } : {}),
      },
    },
    {
      type: 'input',
      block_id: REQUEST_FIELDS.environment,
      optional: true,
      label: plain('Environment'),
      element: {
        type: 'plain_text_input',
        action_id: REQUEST_FIELDS.environment,
        max_length: 100,
        placeholder: plain('production'),
      },
    },
    {
      type: 'input',
      block_id: REQUEST_FIELDS.risk,
      label: plain('Risk'),
      element: {
        type: 'static_select',
        action_id: REQUEST_FIELDS.risk,
        options: riskOptions,
        initial_option: riskOptions[1] as PlainTextOption,
      },
    },
    {
      type: 'input',
      block_id: REQUEST_FIELDS.reason,
      label: plain('Why'),
      element: {
        type: 'plain_text_input',
        action_id: REQUEST_FIELDS.reason,
        multiline: true,
        max_length: 3000,
        ...(input.prefill.reason ? { initial_value: input.prefill.reason } : {}),
      },
    },
    {
      type: 'input',
      block_id: REQUEST_FIELDS.ttl,
      label: plain('Approvers have'),
      element: {
        type: 'static_select',
        action_id: REQUEST_FIELDS.ttl,
        options: ttlOptions,
        initial_option: ttlOptions.find((o) => o.value === String(input.ttl.default)) as PlainTextOption,
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.requestModal,
    title: plain('Request approval'),
    submit: plain('Request'),
    close: plain('Cancel'),
    private_metadata: truncate(input.privateMetadata, LIMITS.privateMetadata),
    blocks,
  };
}

/**
 * The reason modal: Deny always asks for a reason; Approve asks when the route requires one.
 * The decision travels in the callback id, the request in private_metadata.
 */
export function buildReasonModal(input: {
  decision: 'approve' | 'deny';
  requestId: string;
  action: string;
  resource: string;
  channelId?: string | undefined;
}): ModalView {
  const deny = input.decision === 'deny';
  return {
    type: 'modal',
    callback_id: deny ? CALLBACK_IDS.denyModal : CALLBACK_IDS.approveModal,
    title: plain(deny ? 'Deny request' : 'Approve request'),
    submit: plain(deny ? 'Deny' : 'Approve'),
    close: plain('Cancel'),
    private_metadata: JSON.stringify({ requestId: input.requestId, channelId: input.channelId }),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(
            `${deny ? 'Deny' : 'Approve'} \`${escapeMrkdwn(input.action)}\` on \`${escapeMrkdwn(input.resource)}\`? ` +
              (deny ? 'The requester sees your reason.' : 'This rule asks approvers for a reason.'),
            LIMITS.sectionText,
          ),
        },
      },
      {
        type: 'input',
        block_id: REASON_FIELDS.reason,
        label: plain('Reason'),
        element: {
          type: 'plain_text_input',
          action_id: REASON_FIELDS.reason,
          multiline: true,
          min_length: 1,
          max_length: 3000,
        },
      },
    ],
  };
}
