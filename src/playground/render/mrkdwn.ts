import type { RenderContext } from './context.ts';
import { formatSlackDate } from './date.ts';
import { emojiText, replaceEmoji } from './emoji.ts';
import { escapeHtml, isObject, mention, safeUrl, str } from './html.ts';

/*
 * Slack mrkdwn as "Formatting text for app surfaces" (https://docs.slack.dev/messaging/formatting-message-text)
 * describes it: the sender escapes &, < and > as &amp; &lt; &gt;, so a literal `<` always opens a
 * control sequence (<url|text>, <@U…>, <#C…>, <!subteam^S…>, <!here>, <!date^…>). *bold*, _italic_,
 * ~strike~ and `code` apply between word boundaries on one line; ``` opens a preformatted block; a
 * line starting with > is a quote and >>> quotes the rest. There is no list syntax: "• " and "1. "
 * lines are plain text (kept on their own line, with a hanging indent). Known emoji codes show as emoji.
 */

/** Private-use characters that stand for an already rendered piece while the line is formatted. */
const HOLE_OPEN = '\uE000';
const HOLE_CLOSE = '\uE001';
const HOLE = /\uE000(\d+)\uE001/g;

/** Decodes the three entities Slack's senders must use (and only those, as Slack does). */
function decodeEntities(text: string): string {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** Text as the page shows it: Slack's entities decoded, then escaped for HTML. */
const textHtml = (text: string) => escapeHtml(decodeEntities(text));

/** One `<…>` control sequence (without its angle brackets) as HTML; `linkify` false inside code. */
function renderControl(inner: string, ctx: RenderContext, linkify: boolean): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : decodeEntities(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return mention('user', `@${ctx.userName(id) ?? label ?? id}`);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return mention('channel', `#${ctx.channelName(id) ?? label ?? id}`);
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const name = ctx.groupName(id);
    return mention('group', name !== undefined ? `@${name}` : (label ?? `@${id}`));
  }
  if (target.startsWith('!date^')) return renderDate(target, label, ctx, linkify);
  if (target === '!here' || target === '!channel' || target === '!everyone') {
    return mention('broadcast', `@${target.slice(1)}`);
  }
  const url = safeUrl(decodeEntities(target));
  const text = escapeHtml(label ?? decodeEntities(target.replace(/^mailto:/i, '')));
  if (url === undefined || !linkify) return text;
  return `<a class="bk-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
}

function renderDate(target: string, fallback: string | undefined, ctx: RenderContext, linkify: boolean): string {
  const [, timestamp = '', format = '', link] = target.split('^');
  const text = formatSlackDate(Number(timestamp), decodeEntities(format), { now: ctx.now, timeZone: ctx.timeZone });
  const shown = escapeHtml(text ?? fallback ?? '');
  const url = link === undefined ? undefined : safeUrl(decodeEntities(link));
  const inner =
    url && linkify
      ? `<a class="bk-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${shown}</a>`
      : shown;
  const when = new Date(Number(timestamp) * 1000);
  const iso = Number.isNaN(when.getTime()) ? undefined : when.toISOString();
  return `<time class="bk-date"${iso ? ` datetime="${iso}"` : ''}>${inner}</time>`;
}

/** Code (inline or block): no formatting, control sequences shown as their text, entities decoded. */
function renderCode(text: string, ctx: RenderContext): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/<([^<>\n]+)>/g)) {
    out += textHtml(text.slice(last, match.index));
    out += renderControl(match[1] ?? '', ctx, false);
    last = match.index + match[0].length;
  }
  return out + textHtml(text.slice(last));
}

/**
 * *bold*, _italic_ and ~strike~: the markers sit at a word boundary (start, end, a space or
 * punctuation, never a letter or digit, so snake_case_names stay as they are), the text between them
 * neither starts nor ends with a space, and stays on one line.
 */
const EMPHASIS: [RegExp, string][] = [
  [/(?<=^|[^\p{L}\p{N}])\*(?=\S)([^*\n]*?\S)\*(?=$|[^\p{L}\p{N}])/gu, '<b>$1</b>'],
  [/(?<=^|[^\p{L}\p{N}])_(?=\S)([^_\n]*?\S)_(?=$|[^\p{L}\p{N}])/gu, '<i>$1</i>'],
  [/(?<=^|[^\p{L}\p{N}])~(?=\S)([^~\n]*?\S)~(?=$|[^\p{L}\p{N}])/gu, '<s>$1</s>'],
];

/** One line of text (no code blocks): inline code, control sequences, then emphasis. */
function renderInline(line: string, ctx: RenderContext, verbatim: boolean): string {
  const holes: string[] = [];
  const hole = (html: string) => `${HOLE_OPEN}${holes.push(html) - 1}${HOLE_CLOSE}`;
  let text = line.replace(/(?<=^|[^\p{L}\p{N}`])`([^`\n]+)`/gu, (_m, code: string) =>
    hole(`<code class="bk-code">${renderCode(code, ctx)}</code>`),
  );
  text = text.replace(/<([^<>\n]+)>/g, (_m, inner: string) => hole(renderControl(inner, ctx, true)));
  // Without verbatim, Slack turns bare URLs into links (a sentence's last full stop stays outside).
  if (!verbatim) text = text.replace(BARE_URL, (url: string) => hole(renderControl(url, ctx, true)));
  text = replaceEmoji(text, hole);
  let html = textHtml(text);
  for (const [pattern, replacement] of EMPHASIS) html = html.replace(pattern, replacement);
  return html.replace(HOLE, (_m, index: string) => holes[Number(index)] ?? '');
}

const BARE_URL = /\bhttps?:\/\/[^\s<>\uE000\uE001]+?(?=[.,;:!?)\]*_~]*(?:\s|$|\uE000))/g;
const QUOTE = /^(?:>|&gt;)/;
const QUOTE_REST = /^(?:>>>|&gt;&gt;&gt;)/;
const LIST_ITEM = /^\s*(?:[•◦▪-]|\d+[.)])\s/;

/** Lines of text outside code blocks: quotes grouped into <blockquote>, list-like lines indented. */
function renderLines(text: string, ctx: RenderContext, verbatim: boolean): string {
  const lines = text.split('\n');
  const parts: string[] = [];
  let quote: string[] | undefined;
  const flushQuote = () => {
    if (quote !== undefined) parts.push(`<blockquote class="bk-quote">${quote.join('<br>')}</blockquote>`);
    quote = undefined;
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    if (QUOTE_REST.test(line)) {
      // >>> quotes this line (after the marker) and every line after it.
      const rest = [line.replace(QUOTE_REST, '').replace(/^ /, ''), ...lines.slice(i + 1)];
      quote = [...(quote ?? []), ...rest.map((l) => renderInline(l, ctx, verbatim))];
      break;
    }
    if (QUOTE.test(line)) {
      quote = [...(quote ?? []), renderInline(line.replace(QUOTE, '').replace(/^ /, ''), ctx, verbatim)];
      continue;
    }
    flushQuote();
    const html = renderInline(line, ctx, verbatim);
    parts.push(LIST_ITEM.test(line) ? `<span class="bk-list-item">${html}</span>` : `${html}<br>`);
  }
  flushQuote();
  const html = parts.join('');
  return html.endsWith('<br>') ? html.slice(0, -'<br>'.length) : html;
}

/**
 * Slack mrkdwn as HTML (every piece of text escaped; only http(s) and mailto links). Bare URLs become
 * links unless `verbatim`, as in Slack's text objects.
 */
export function renderMrkdwn(text: string, ctx: RenderContext, options: { verbatim?: boolean } = {}): string {
  const verbatim = options.verbatim === true;
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(/```([\s\S]*?)```/g)) {
    const before = text.slice(last, match.index).replace(/\n$/, '');
    if (before !== '') parts.push(renderLines(before, ctx, verbatim));
    parts.push(`<pre class="bk-pre">${renderCode((match[1] ?? '').replace(/^\n/, '').replace(/\n$/, ''), ctx)}</pre>`);
    last = match.index + match[0].length;
    if (text[last] === '\n') last += 1;
  }
  const rest = text.slice(last);
  if (rest !== '' || parts.length === 0) parts.push(renderLines(rest, ctx, verbatim));
  return parts.join('');
}

/** A plain_text text: everything escaped, nothing formatted; emoji codes shown unless `emoji` is false. */
export function renderPlainText(text: string, emoji = true): string {
  const html = escapeHtml(text);
  return emoji ? replaceEmoji(html) : html;
}

/**
 * A text object (`plain_text` or `mrkdwn`) as an inline HTML fragment wrapped in a span carrying
 * its kind; anything else renders as an empty string (the caller decides whether that is unsupported).
 */
export function renderTextObject(t: unknown, ctx: RenderContext): string {
  if (!isObject(t)) return '';
  const text = str(t.text) ?? '';
  if (t.type === 'mrkdwn') {
    // verbatim: true turns off Slack's automatic linking of bare URLs.
    return `<span class="bk-text bk-mrkdwn">${renderMrkdwn(text, ctx, { verbatim: t.verbatim === true })}</span>`;
  }
  if (t.type === 'plain_text')
    return `<span class="bk-text bk-plain">${renderPlainText(text, t.emoji !== false)}</span>`;
  return '';
}

/** A text object's raw text (for aria attributes and ids), or ''. */
export function textOf(t: unknown): string {
  return isObject(t) ? (str(t.text) ?? '') : '';
}

/** A plain_text object's text as inline HTML (headers, labels, buttons, titles): escaped, emoji shown. */
export function plainHtml(t: unknown): string {
  return renderPlainText(textOf(t), !isObject(t) || t.emoji !== false);
}

/** A text object's text where no markup may go (<option>, attributes): emoji as characters, unescaped. */
export function plainChars(t: unknown): string {
  return isObject(t) && t.emoji === false ? textOf(t) : emojiText(textOf(t));
}
