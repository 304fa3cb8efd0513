/** HTML building blocks shared by the renderer: every string that reaches the page passes through {@link escapeHtml}. */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** ` name="value"` pairs for the attributes that are set (undefined and false are left out, true is bare). */
export function attrs(values: Record<string, string | number | boolean | undefined>): string {
  let out = '';
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === false) continue;
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
  }
  return out;
}

/** A JSON value as an attribute, for the browser script to read back exactly (options, button text). */
export function jsonAttr(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * A URL the page may link to: only http, https and mailto. `javascript:`, `data:` and everything else
 * is refused (undefined), so a link in a message can never run script in the Playground.
 */
export function safeUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  const trimmed = url.trim();
  return /^(https?:\/\/|mailto:)/i.test(trimmed) ? trimmed : undefined;
}

/** A plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The string at `value`, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The visible placeholder for a block or element this renderer does not know (Slack shows nothing; we show why). */
export function unsupported(type: unknown): string {
  return `<div class="bk-unsupported">unsupported: ${escapeHtml(String(type))}</div>`;
}

/** A mention (user, channel, group, broadcast) shown by name, as Slack highlights it. */
export function mention(kind: 'user' | 'channel' | 'group' | 'broadcast', label: string): string {
  return `<span class="bk-mention bk-mention--${kind}">${escapeHtml(label)}</span>`;
}
