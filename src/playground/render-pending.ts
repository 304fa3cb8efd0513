// Until the renderer (render/, helper "render") is merged: messages as escaped plain text. Not a renderer.
import { escapeHtml } from './html.ts';

export interface RenderContext {
  surface: 'message' | 'modal' | 'home';
  userName(id: string): string | undefined;
  channelName(id: string): string | undefined;
  groupName(id: string): string | undefined;
}
export function renderMessage(m: { text?: string; blocks?: unknown }, _ctx: RenderContext): string {
  return `<pre>${escapeHtml(m.text ?? '')}</pre>`;
}
export function renderView(view: unknown, _ctx: RenderContext): string {
  return `<pre>${escapeHtml(JSON.stringify(view).slice(0, 2000))}</pre>`;
}
export function checkMessage(_m: unknown): { ok: true } {
  return { ok: true };
}
export function checkView(_v: unknown): { ok: true } {
  return { ok: true };
}
