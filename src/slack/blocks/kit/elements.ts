import type { Button, ConfirmationDialog } from '@slack/types';
import { LIMITS, truncate } from './limits.ts';
import { mrkdwn, plain } from './text.ts';

/** A button; its label is cut to Slack's limit. */
export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return {
    type: 'button',
    text: plain(truncate(text, LIMITS.buttonText)),
    action_id: actionId,
    value,
    ...(style ? { style } : {}),
  };
}

/** A confirmation dialog for a button: `yes` goes ahead, `no` (default "Keep it") backs out. */
export function confirm(input: {
  title: string;
  text: string;
  yes: string;
  no?: string;
  style?: 'primary' | 'danger';
}): ConfirmationDialog {
  return {
    title: plain(input.title),
    text: mrkdwn(input.text, 300),
    confirm: plain(input.yes),
    deny: plain(input.no ?? 'Keep it'),
    ...(input.style ? { style: input.style } : {}),
  };
}
