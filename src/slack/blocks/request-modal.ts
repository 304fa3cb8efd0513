import type { ModalView } from '@slack/types';
import { CALLBACK_IDS } from '../ids.ts';
import { option, select, textInput } from './kit/inputs.ts';
import { truncate } from './kit/limits.ts';
import { riskOptions } from './kit/risk.ts';
import { plain } from './kit/text.ts';

/** Block and action ids of the request modal's inputs, so the submit handler reads what the builder wrote. */
export const REQUEST_FIELDS = {
  action: 'action',
  resource: 'resource',
  environment: 'environment',
  risk: 'risk',
  reason: 'reason',
  ttl: 'ttl',
} as const;

export interface RequestPrefill {
  action?: string;
  resource?: string;
  reason?: string;
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
}): ModalView {
  const ttlOptions = ttlChoices(input.ttl.min, input.ttl.max, input.ttl.default).map((s) =>
    option(describeSeconds(s), String(s)),
  );
  return {
    type: 'modal',
    callback_id: CALLBACK_IDS.requestModal,
    title: plain('Request approval'),
    submit: plain('Request'),
    close: plain('Cancel'),
    blocks: [
      textInput(REQUEST_FIELDS.action, 'Action', input.prefill.action, {
        hint: 'What you are about to do, e.g. db.drop_table or deploy.production',
      }),
      textInput(REQUEST_FIELDS.resource, 'Resource', input.prefill.resource, {
        max: 500,
        hint: 'What it is done to, e.g. prod/customers',
      }),
      textInput(REQUEST_FIELDS.environment, 'Environment', null, {
        optional: true,
        max: 100,
        placeholder: 'production',
      }),
      select(REQUEST_FIELDS.risk, 'Risk', riskOptions(), 'medium'),
      textInput(REQUEST_FIELDS.reason, 'Why', input.prefill.reason, { multiline: true, max: 3000 }),
      select(REQUEST_FIELDS.ttl, 'Approvers have', ttlOptions, String(input.ttl.default)),
    ],
  };
}
