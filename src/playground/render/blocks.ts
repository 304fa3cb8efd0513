import type { RenderContext } from './context.ts';
import { nextId, renderElement, renderImageElement } from './elements.ts';
import { attrs, escapeHtml, isObject, safeUrl, str, unsupported } from './html.ts';
import { plainHtml, renderMrkdwn, renderTextObject, textOf } from './mrkdwn.ts';
import { renderRichText } from './rich-text.ts';
import { applyState } from './state.ts';

/*
 * Layout blocks (https://docs.slack.dev/reference/block-kit/blocks): header, section (text, fields in
 * two columns, accessory on the right), context (small grey text and images), divider, actions,
 * input, image and rich_text. A block without a block_id gets `blk-<index>`: Slack makes up a random
 * one, and the stand-in may store the blocks with ids filled in as Slack returns them.
 */

type Json = Record<string, unknown>;

function blockIdOf(block: Json, index: number): string {
  return str(block.block_id) ?? `blk-${index}`;
}

function open(kind: string, blockId: string, extra: Record<string, string | boolean | undefined> = {}): string {
  return `<div class="bk-block bk-${kind}"${attrs({ 'data-block-id': blockId, ...extra })}>`;
}

function section(block: Json, blockId: string, ctx: RenderContext): string {
  const text = isObject(block.text) ? `<div class="bk-section-text">${renderTextObject(block.text, ctx)}</div>` : '';
  const fields = Array.isArray(block.fields)
    ? `<div class="bk-fields">${block.fields.map((f) => `<div class="bk-field">${renderTextObject(f, ctx)}</div>`).join('')}</div>`
    : '';
  const accessory =
    block.accessory === undefined
      ? ''
      : `<div class="bk-accessory">${renderElement(block.accessory, { blockId, id: nextId() }, ctx)}</div>`;
  return `${open('section', blockId)}<div class="bk-section-main">${text}${fields}</div>${accessory}</div>`;
}

function context(block: Json, blockId: string, ctx: RenderContext): string {
  const items = (Array.isArray(block.elements) ? block.elements : [])
    .map((el) => {
      if (isObject(el) && el.type === 'image') return renderImageElement(el);
      const html = renderTextObject(el, ctx);
      return html === '' ? unsupported(isObject(el) ? el.type : typeof el) : html;
    })
    .join('');
  return `${open('context', blockId)}${items}</div>`;
}

function actions(block: Json, blockId: string, ctx: RenderContext): string {
  const items = (Array.isArray(block.elements) ? block.elements : [])
    .map((el) => `<div class="bk-action">${renderElement(el, { blockId, id: nextId() }, ctx)}</div>`)
    .join('');
  return `${open('actions', blockId)}${items}</div>`;
}

function input(block: Json, blockId: string, ctx: RenderContext): string {
  const id = nextId();
  const optional = block.optional === true ? ' <span class="bk-optional">(optional)</span>' : '';
  const hint = isObject(block.hint) ? `<div class="bk-hint">${renderTextObject(block.hint, ctx)}</div>` : '';
  return (
    open('input', blockId, {
      'data-dispatch-action': block.dispatch_action === true ? 'true' : undefined,
      'data-optional': block.optional === true ? 'true' : undefined,
    }) +
    `<label class="bk-label" for="${id}">${plainHtml(block.label)}${optional}</label>` +
    renderElement(block.element, { blockId, id }, ctx) +
    hint +
    `<div class="bk-input-error" role="alert" hidden></div></div>`
  );
}

function image(block: Json, blockId: string, ctx: RenderContext): string {
  const src = safeUrl(block.image_url ?? (isObject(block.slack_file) ? block.slack_file.url : undefined));
  const title = isObject(block.title)
    ? `<figcaption class="bk-image-title">${renderTextObject(block.title, ctx)}</figcaption>`
    : '';
  const img =
    src && !src.startsWith('mailto:')
      ? `<img class="bk-image"${attrs({ src, alt: str(block.alt_text) ?? '', loading: 'lazy' })}>`
      : `<span class="bk-image-missing">${escapeHtml(str(block.alt_text) ?? '')}</span>`;
  return `${open('image', blockId)}<figure class="bk-figure">${title}${img}</figure></div>`;
}

function renderBlock(block: unknown, index: number, ctx: RenderContext): string {
  if (!isObject(block)) return unsupported(typeof block);
  const blockId = blockIdOf(block, index);
  switch (block.type) {
    case 'header':
      return `${open('header', blockId)}<h3 class="bk-header-text">${plainHtml(block.text)}</h3></div>`;
    case 'section':
      return section(block, blockId, ctx);
    case 'context':
      return context(block, blockId, ctx);
    case 'divider':
      return `${open('divider', blockId)}<hr class="bk-hr"></div>`;
    case 'actions':
      return actions(block, blockId, ctx);
    case 'input':
      return input(block, blockId, ctx);
    case 'image':
      return image(block, blockId, ctx);
    case 'rich_text':
      return `${open('rich-text', blockId)}${renderRichText(block, ctx)}</div>`;
    case 'markdown':
      // The markdown block takes standard Markdown; its common subset is close enough to mrkdwn here.
      return `${open('markdown', blockId)}<span class="bk-text bk-mrkdwn">${renderMrkdwn(str(block.text) ?? '', ctx)}</span></div>`;
    default:
      return unsupported(block.type);
  }
}

/** Blocks as HTML. Never throws: what it does not know renders as a visible `bk-unsupported` placeholder. */
export function renderBlocks(blocks: unknown, ctx: RenderContext): string {
  if (!Array.isArray(blocks)) return unsupported(blocks === null ? 'null' : typeof blocks);
  const html = blocks
    .map((block, index) => {
      try {
        return renderBlock(block, index, ctx);
      } catch (error) {
        // A renderer defect must not take the page down; it shows where it happened instead.
        return unsupported(`${isObject(block) ? String(block.type) : typeof block} (${String(error)})`);
      }
    })
    .join('');
  return `<div class="bk-blocks bk-surface-${ctx.surface}">${html}</div>`;
}

/** A message: its blocks, or its text as mrkdwn when it has no blocks (as Slack shows it). */
export function renderMessage(m: { text?: string; blocks?: unknown }, ctx: RenderContext): string {
  if (Array.isArray(m.blocks) && m.blocks.length > 0) return renderBlocks(m.blocks, ctx);
  return `<div class="bk-blocks bk-surface-${ctx.surface}"><div class="bk-message-text"><span class="bk-text bk-mrkdwn">${renderMrkdwn(m.text ?? '', ctx)}</span></div></div>`;
}

/**
 * A view: a modal with its title, blocks and close/submit buttons (a `<form>`; submit is the form's
 * submit button so Enter works), or the App Home's blocks. The view id, callback id and hash are
 * data attributes for the page. Elements show what `view.state.values` holds for them, when the
 * view has a state, as Slack keeps entries across views.update.
 */
export function renderView(view: unknown, ctx: RenderContext): string {
  if (!isObject(view)) return unsupported(typeof view);
  const data = attrs({
    'data-view-id': str(view.id),
    'data-callback-id': str(view.callback_id),
    'data-hash': str(view.hash),
  });
  const blocks = applyState(view.blocks, view.state);
  if (view.type === 'home') return `<div class="bk-view bk-home"${data}>${renderBlocks(blocks, ctx)}</div>`;
  if (view.type !== 'modal') return unsupported(view.type);
  const titleId = nextId();
  const submit = isObject(view.submit)
    ? `<button type="submit" class="bk-button bk-button--primary bk-modal-submit">${plainHtml(view.submit)}</button>`
    : '';
  const close = `<button type="button" class="bk-button bk-modal-close">${textOf(view.close) ? plainHtml(view.close) : 'Cancel'}</button>`;
  return (
    `<form class="bk-view bk-modal" role="dialog" aria-labelledby="${titleId}" novalidate${data}>` +
    `<header class="bk-modal-header"><h2 class="bk-modal-title" id="${titleId}">${plainHtml(view.title)}</h2></header>` +
    `<div class="bk-modal-body">${renderBlocks(blocks, ctx)}</div>` +
    `<footer class="bk-modal-footer">${close}${submit}</footer></form>`
  );
}
