/** Block Kit limits Slack enforces (https://api.slack.com/reference/block-kit). */
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  modalTitle: 24,
  privateMetadata: 3000,
  contextElements: 10,
  sectionFields: 10,
  fieldText: 2000,
  optionText: 75,
  optionsPerSelect: 100,
} as const;

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cuts text to at most `max` UTF-16 code units (what `.length` counts, never less than what Slack
 * counts), marking the cut with an ellipsis. The cut falls between grapheme clusters, so an emoji,
 * a flag, a ZWJ sequence or a letter with its accents is kept whole or dropped whole, never halved.
 * With `max` 0 there is no room even for the ellipsis, and the result is empty.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const budget = max - ELLIPSIS.length;
  return `${text.slice(0, clusterBoundaryAtOrBefore(text, budget))}${ELLIPSIS}`;
}

/** The largest grapheme-cluster boundary in `text` that is no greater than `limit`. */
function clusterBoundaryAtOrBefore(text: string, limit: number): number {
  if (limit <= 0) return 0;
  // Between two ASCII characters there is always a boundary, except inside CR LF: the common
  // case needs no segmentation.
  const before = text.charCodeAt(limit - 1);
  const after = text.charCodeAt(limit);
  if (before < 0x80 && after < 0x80 && !(before === 0x0d && after === 0x0a)) return limit;
  let end = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    const next = index + segment.length;
    if (next > limit) break;
    end = next;
  }
  return end;
}

/** Escapes the three characters Slack mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
