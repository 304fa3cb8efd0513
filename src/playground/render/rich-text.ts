import type { RenderContext } from './context.ts';
import { formatSlackDate } from './date.ts';
import { emojiText } from './emoji.ts';
import { escapeHtml, isObject, mention, safeUrl, str, unsupported } from './html.ts';

/*
 * The rich_text block (https://docs.slack.dev/reference/block-kit/blocks/rich-text-block): sections,
 * lists (bullet or ordered, with indent and offset), preformatted text and quotes, made of text runs
 * with styles (bold, italic, strike, code), links, mentions, emoji, broadcasts and dates.
 */

type Json = Record<string, unknown>;

function styled(html: string, style: unknown): string {
  if (!isObject(style)) return html;
  let out = html;
  if (style.code === true) out = `<code class="bk-code">${out}</code>`;
  if (style.strike === true) out = `<s>${out}</s>`;
  if (style.italic === true) out = `<i>${out}</i>`;
  if (style.bold === true) out = `<b>${out}</b>`;
  return out;
}

function inline(el: unknown, ctx: RenderContext): string {
  if (!isObject(el)) return '';
  switch (el.type) {
    case 'text':
      return styled(escapeHtml(str(el.text) ?? ''), el.style);
    case 'link': {
      const url = safeUrl(el.url);
      const text = escapeHtml(str(el.text) ?? str(el.url) ?? '');
      return styled(
        url
          ? `<a class="bk-link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>`
          : text,
        el.style,
      );
    }
    case 'user': {
      const id = str(el.user_id) ?? '';
      return styled(mention('user', `@${ctx.userName(id) ?? id}`), el.style);
    }
    case 'channel': {
      const id = str(el.channel_id) ?? '';
      return styled(mention('channel', `#${ctx.channelName(id) ?? id}`), el.style);
    }
    case 'usergroup': {
      const id = str(el.usergroup_id) ?? '';
      return styled(mention('group', `@${ctx.groupName(id) ?? id}`), el.style);
    }
    case 'broadcast':
      return mention('broadcast', `@${str(el.range) ?? 'here'}`);
    case 'emoji': {
      const unicode = str(el.unicode);
      const glyph = unicode
        ? unicode
            .split('-')
            .map((hex) => String.fromCodePoint(Number.parseInt(hex, 16) || 0x3f))
            .join('')
        : undefined;
      return `<span class="bk-emoji" role="img" aria-label="${escapeHtml(str(el.name) ?? '')}">${escapeHtml(glyph ?? emojiText(`:${str(el.name) ?? ''}:`))}</span>`;
    }
    case 'date': {
      const text = formatSlackDate(Number(el.timestamp), str(el.format) ?? '{date_short}', {
        now: ctx.now,
        timeZone: str(el.timezone) ?? ctx.timeZone,
      });
      return styled(`<time class="bk-date">${escapeHtml(text ?? str(el.fallback) ?? '')}</time>`, el.style);
    }
    default:
      return unsupported(el.type);
  }
}

function runs(elements: unknown, ctx: RenderContext): string {
  return (Array.isArray(elements) ? elements : []).map((e) => inline(e, ctx)).join('');
}

function part(el: unknown, ctx: RenderContext): string {
  if (!isObject(el)) return '';
  switch (el.type) {
    case 'rich_text_section':
      return `<div class="bk-rt-section">${runs(el.elements, ctx)}</div>`;
    case 'rich_text_preformatted':
      return `<pre class="bk-pre">${runs(el.elements, ctx)}</pre>`;
    case 'rich_text_quote':
      return `<blockquote class="bk-quote">${runs(el.elements, ctx)}</blockquote>`;
    case 'rich_text_list': {
      const ordered = el.style === 'ordered';
      const tag = ordered ? 'ol' : 'ul';
      const indent = typeof el.indent === 'number' ? el.indent : 0;
      const start = ordered && typeof el.offset === 'number' ? ` start="${el.offset + 1}"` : '';
      const items = (Array.isArray(el.elements) ? el.elements : [])
        .map((item) => `<li>${runs(isObject(item) ? item.elements : [], ctx)}</li>`)
        .join('');
      return `<${tag} class="bk-rt-list" style="margin-left:${indent * 1.5}em"${start}>${items}</${tag}>`;
    }
    default:
      return unsupported(el.type);
  }
}

/** A rich_text block's content. */
export function renderRichText(block: Json, ctx: RenderContext): string {
  return (Array.isArray(block.elements) ? block.elements : []).map((e) => part(e, ctx)).join('');
}
