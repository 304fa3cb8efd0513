import type { ContextBlock, HeaderBlock, MrkdwnElement, PlainTextElement, SectionBlock } from '@slack/types';
import { LIMITS, truncate } from './limits.ts';

/** Plain text, with :emoji: codes rendered. Callers cut it to the limit of where it goes. */
export function plain(text: string): PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

/** Mrkdwn text cut to `max` (a section's limit unless said otherwise). The caller escapes what it interpolates. */
export function mrkdwn(text: string, max: number = LIMITS.sectionText): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text, max) };
}

/** A section of mrkdwn text, cut to Slack's limit. */
export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** A header, cut to Slack's limit. */
export function header(text: string): HeaderBlock {
  return { type: 'header', text: plain(truncate(text, LIMITS.headerText)) };
}

/** A context block of one mrkdwn line, cut to Slack's limit. */
export function context(text: string): ContextBlock {
  return { type: 'context', elements: [mrkdwn(text)] };
}
