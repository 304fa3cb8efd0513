import { escapeHtml } from './html.ts';

/**
 * The emoji codes Greenlight's messages use, and a few common ones, as the characters Slack shows for
 * them. Any other `:code:` stays as text, which is what Slack shows for an emoji it does not know.
 */
const EMOJI: Record<string, string> = {
  alarm_clock: '⏰',
  arrow_double_up: '⏫',
  arrow_forward: '▶️',
  bell: '🔔',
  ec2: '🖥️',
  eyes: '👀',
  heavy_check_mark: '✔️',
  heavy_minus_sign: '➖',
  heavy_multiplication_x: '✖️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  key: '🔑',
  large_green_circle: '🟢',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  leftwards_arrow_with_hook: '↩️',
  lock: '🔒',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  page_facing_up: '📄',
  palm_tree: '🌴',
  question: '❓',
  raising_hand: '🙋',
  red_circle: '🔴',
  rocket: '🚀',
  rotating_light: '🚨',
  speech_balloon: '💬',
  tada: '🎉',
  thumbsup: '👍',
  thumbsdown: '👎',
  warning: '⚠️',
  white_check_mark: '✅',
  x: '❌',
  zzz: '💤',
};

const CODE = /:([a-z0-9_+-]+):/g;

/** The emoji for a code (without colons) as HTML, or undefined when it is not one we know. */
export function emojiHtml(name: string): string | undefined {
  const glyph = EMOJI[name];
  return glyph === undefined
    ? undefined
    : `<span class="bk-emoji" role="img" aria-label="${escapeHtml(name)}">${glyph}</span>`;
}

/** Replaces the known `:codes:` in `text` by what `wrap` makes of their HTML. */
export function replaceEmoji(text: string, wrap: (html: string) => string = (html) => html): string {
  return text.replace(CODE, (code, name: string) => {
    const html = emojiHtml(name);
    return html === undefined ? code : wrap(html);
  });
}

/** Replaces the known `:codes:` in plain text by their characters (for <option>s and attributes, where no markup goes). */
export function emojiText(text: string): string {
  return text.replace(CODE, (code, name: string) => EMOJI[name] ?? code);
}
