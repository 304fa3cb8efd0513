/**
 * What Slack refuses to post or show: the Block Kit and text limits. The renderer module owns them
 * (render/ checks what it renders); the stand-in answers with the error they name.
 */
export type TCheck = { ok: true } | { ok: false; error: string; errors?: string[] };

export interface BlockKitChecks {
  message(m: { text?: string; blocks?: unknown }): TCheck;
  view(view: unknown): TCheck;
}
