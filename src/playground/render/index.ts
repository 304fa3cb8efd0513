/**
 * The Playground's Block Kit + mrkdwn renderer: pure TypeScript, no DOM, HTML strings with every text
 * escaped. The page shows what Slack would show, and refuses what Slack would refuse.
 *
 * Contract (shared with the Playground page and stand-in; keep it stable):
 *
 * ```ts
 * interface RenderContext {
 *   surface: 'message' | 'modal' | 'home';
 *   userName(id): string | undefined;      // <@U…> → "@Ana"
 *   channelName(id): string | undefined;   // <#C…> → "#approvals"
 *   groupName(id): string | undefined;     // <!subteam^S…> → "@approvers"
 *   now?: Date; timeZone?: string;         // for <!date^…> (default UTC)
 *   users?(): { id, name }[];              // optional: user pickers filter these in the page
 *   channels?(): { id, name }[];           // optional: conversation/channel pickers filter these
 * }
 * renderBlocks(blocks, ctx): string        // never throws; unknown → <div class="bk-unsupported">unsupported: TYPE</div>
 * renderMrkdwn(text, ctx): string
 * renderTextObject(t, ctx): string         // plain_text | mrkdwn
 * renderMessage({ text?, blocks? }, ctx)   // text (as mrkdwn) when there are no blocks
 * renderView(view, ctx)                    // modal: <form> with title, blocks, close + submit; home: blocks
 *                                          // (elements show view.state.values when the view has a state)
 * checkMessage({ text?, blocks? })         // { ok: true } | { ok: false, error, errors? }
 * checkView(view)                          // { ok: true } | { ok: false, error, errors? }
 * ```
 *
 * HTML the browser script (`src/playground/public/block-kit.js`) reads:
 * - every block: `data-block-id` (Slack's block_id, or `blk-<index>` when the app gave none);
 *   input blocks also `data-dispatch-action="true"` when `dispatch_action` is set, and an empty
 *   `.bk-input-error` slot for `response_action: errors`;
 * - every element's root node: `data-bk-type` (element type) and `data-action-id`; buttons
 *   `data-value`, `data-style`, `data-url` (http/https only) and `data-text` (their text object, JSON);
 *   options (select `<option>`, checkbox/radio `<input>`, overflow menu items, picker chips)
 *   `data-option` with the option's JSON as the app sent it;
 * - a `confirm` object: a `<dialog class="bk-confirm">` right after its element, whose form returns
 *   `confirm` or `deny`.
 * - user and conversation pickers are comboboxes like external_select. When the context lists
 *   `users()` / `channels()`, their choices are in `data-choices` and the script filters them in the
 *   page; otherwise the script asks the page's `onSuggest` with the picker's type (`users_select`,
 *   `conversations_select`, …). Initial users/channels are rendered with their names from the context.
 */
import { validateMessageBlocks, validateMessageText, validateView } from './limits.ts';

export { renderBlocks, renderMessage, renderView } from './blocks.ts';
export type { RenderContext } from './context.ts';
export { formatSlackDate } from './date.ts';
export { renderMrkdwn, renderTextObject } from './mrkdwn.ts';

/** What Slack answers: accepted, or its error code and the `response_metadata.messages` it adds. */
export type CheckResult = { ok: true } | { ok: false; error: string; errors?: string[] };

/**
 * Whether Slack would accept a message (chat.postMessage, chat.update, chat.postEphemeral, and a
 * response_url post). Refusals as Slack words them: `no_text` with neither text nor blocks,
 * `msg_too_long` over 40,000 characters of text, `invalid_blocks` with one `[ERROR] … [json-pointer:…]`
 * line per problem (see `limits.ts` for each limit and where Slack documents it).
 */
export function checkMessage(m: { text?: string; blocks?: unknown }): CheckResult {
  const textProblem = validateMessageText(m.text, m.blocks)[0];
  if (textProblem !== undefined) return { ok: false, error: textProblem };
  const problems = validateMessageBlocks(m.blocks);
  if (problems.length === 0) return { ok: true };
  return { ok: false, error: 'invalid_blocks', errors: problems.map((p) => `[ERROR] ${p}`) };
}

/**
 * Whether Slack would accept a view (views.open, views.push, views.update, views.publish). Slack
 * refuses a bad view with `invalid_arguments` and one `[ERROR] … [json-pointer:/view/…]` line per problem.
 */
export function checkView(view: unknown): CheckResult {
  const problems = validateView(view);
  if (problems.length === 0) return { ok: true };
  return { ok: false, error: 'invalid_arguments', errors: problems.map((p) => `[ERROR] ${p}`) };
}
