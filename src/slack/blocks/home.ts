import type { HomeView, KnownBlock } from '@slack/types';
import { COMMAND_REQUEST_ACTION } from '../ids.ts';

export interface HomeViewInput {
  userId: string;
  isAdmin: boolean;
}

/** The App Home tab: a welcome for everyone, with what admins can do when the viewer is one. */
export function buildHomeView({ userId, isAdmin }: HomeViewInput): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Greenlight', emoji: true } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          `Welcome, <@${userId}>. Greenlight holds dangerous actions — production schema changes, data exports, ` +
          'privileged access, risky deploys — until the right people approve them here in Slack.',
      },
    },
    { type: 'divider' },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          `*Ask for approval:* type \`${COMMAND_REQUEST_ACTION}\` in any channel.\n` +
          '*Decide:* press *Approve* or *Deny* on the card in the approval channel.\n' +
          '*Services:* call `POST /api/v1/requests` with an API key.',
      },
    },
  ];
  if (isAdmin) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: ':shield: You are a Greenlight admin: approver routing is edited here.' }],
    });
  }
  return { type: 'home', blocks };
}
