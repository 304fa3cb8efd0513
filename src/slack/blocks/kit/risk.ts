import type { PlainTextOption } from '@slack/types';
import { RISKS, type Risk } from '../../../domain/request-status.ts';
import { option } from './inputs.ts';

/** A risk in words, for pickers and plain text. */
export const RISK_LABEL: Record<Risk, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

const RISK_EMOJI: Record<Risk, string> = {
  low: ':large_green_circle:',
  medium: ':large_yellow_circle:',
  high: ':large_orange_circle:',
  critical: ':red_circle:',
};

/** A risk with its coloured dot, for mrkdwn (e.g. on the card). */
export function riskBadge(risk: Risk): string {
  return `${RISK_EMOJI[risk]} ${RISK_LABEL[risk]}`;
}

/** One picker option per risk, lowest first. */
export function riskOptions(): PlainTextOption[] {
  return RISKS.map((risk) => option(RISK_LABEL[risk], risk));
}
