import { z } from 'zod';
import type { ViewValues } from './blocks/kit/inputs.ts';

/**
 * The shapes of the Slack payloads our listeners read, checked before any of it is used. A request
 * that passed Bolt's signature check is authentic, but not necessarily well formed: a modal from an
 * older version, a client bug, or someone holding the signing secret can send anything. Everything
 * a listener reads comes from a parsed payload, so a malformed one is answered as out of date
 * instead of throwing (which Bolt turns into an HTTP 500 before the ack).
 *
 * Objects are loose: Slack adds fields, and only what we read is checked.
 */

/** A Slack user, channel or team id: letters and digits (U…, W…, C…, D…, G…, T…). */
export const ZSlackId = z.string().regex(/^[A-Z0-9][A-Z0-9_]{1,63}$/);

const ZUser = z.object({ id: ZSlackId }).loose();
const ZChannel = z.object({ id: ZSlackId }).loose();

/** `app_home_opened`, as far as we read it. */
export const ZAppHomeOpened = z
  .object({
    type: z.literal('app_home_opened'),
    user: ZSlackId,
    tab: z.string(),
    view: z.object({ private_metadata: z.string().optional() }).loose().nullish(),
  })
  .loose();
export type TAppHomeOpened = z.infer<typeof ZAppHomeOpened>;
/** An Events API body carrying `app_home_opened`, parsed to the event. */
export const ZAppHomeOpenedBody = z
  .object({ event: ZAppHomeOpened })
  .loose()
  .transform((body) => body.event);

/** One element of a `block_actions` payload: a button (value) or a select. */
const ZAction = z
  .object({
    action_id: z.string().max(255),
    block_id: z.string().max(255).optional(),
    value: z.string().optional(),
  })
  .loose();

/** The view a button was pressed in (App Home or a modal), as far as we read it. */
const ZContainerView = z
  .object({
    id: z.string().optional(),
    type: z.string(),
    callback_id: z.string().optional(),
    private_metadata: z.string().optional(),
  })
  .loose();

export const ZBlockActions = z
  .object({
    type: z.literal('block_actions'),
    user: ZUser,
    trigger_id: z.string().max(255),
    actions: z.tuple([ZAction], ZAction),
    channel: ZChannel.optional(),
    view: ZContainerView.nullish(),
  })
  .loose();
export type TBlockActions = z.infer<typeof ZBlockActions>;

/** One input's submitted state. Slack sends one of these per action id, typed by the element. */
const ZOption = z.object({ value: z.string() }).loose();
const ZStateValue = z
  .object({
    type: z.string(),
    value: z.string().nullish(),
    selected_option: ZOption.nullish(),
    selected_options: z.array(ZOption).optional(),
    selected_user: z.string().nullish(),
    selected_users: z.array(z.string()).optional(),
    selected_conversation: z.string().nullish(),
    selected_date: z.string().nullish(),
    selected_time: z.string().nullish(),
    selected_date_time: z.number().nullish(),
  })
  .loose();
const ZViewValues = z.record(z.string(), z.record(z.string(), ZStateValue));

export const ZViewSubmission = z
  .object({
    type: z.literal('view_submission'),
    user: ZUser,
    view: z
      .object({
        id: z.string(),
        callback_id: z.string(),
        private_metadata: z.string(),
        state: z.object({ values: ZViewValues }).loose(),
      })
      .loose(),
  })
  .loose()
  // Bolt's ViewValues type (what the Block Kit readers take) promises more than we check; the
  // fields those readers use are the ones checked above.
  .transform((body) => ({ ...body, values: body.view.state.values as ViewValues }));
export type TViewSubmission = z.infer<typeof ZViewSubmission>;

export const ZSlashCommand = z
  .object({
    command: z.string(),
    text: z.string(),
    user_id: ZSlackId,
    channel_id: ZSlackId,
    trigger_id: z.string().max(255),
  })
  .loose();
export type TSlashCommand = z.infer<typeof ZSlashCommand>;

export const ZBlockSuggestion = z
  .object({
    type: z.literal('block_suggestion'),
    user: ZUser,
    action_id: z.string(),
    value: z.string(),
  })
  .loose();
export type TBlockSuggestion = z.infer<typeof ZBlockSuggestion>;

/**
 * What every request must carry before Bolt routes it: who sent it, and what Bolt itself reads to
 * route it. Bolt dereferences `user`, `view`, `channel` and `event`, and matches ids with
 * `String.prototype.match`, without checking any of them, so a payload without them throws before
 * any middleware runs. Events are only required to be objects with a type; each listener checks its own.
 */
const ZObject = z.object({}).loose();
const ZId = z.string().max(255);
const ZRoutable = z.object({ user: ZUser, channel: ZChannel.optional() }).loose();
export const ZEnvelope = z.union([
  z.object({ type: z.literal('event_callback'), event: z.object({ type: z.string() }).loose() }).loose(),
  z.object({ command: z.string(), user_id: ZSlackId, channel_id: ZSlackId.optional() }).loose(),
  ZRoutable.extend({
    type: z.literal('block_actions'),
    actions: z.array(z.object({ action_id: ZId, block_id: ZId.optional() }).loose()).min(1),
    view: ZObject.nullish(),
  }),
  ZRoutable.extend({ type: z.literal('block_suggestion'), action_id: ZId, block_id: ZId.optional() }),
  ZRoutable.extend({ type: z.enum(['shortcut', 'message_action']), callback_id: ZId }),
  ZRoutable.extend({
    type: z.enum(['view_submission', 'view_closed']),
    view: z.object({ callback_id: ZId }).loose(),
  }),
]);

/** The id of whoever sent a payload, when it has a well-formed one: the only one we can tell anything. */
export function senderOf(body: unknown): string | undefined {
  const record = (value: unknown): Record<string, unknown> | undefined =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  const raw = record(record(body)?.user)?.id ?? record(body)?.user_id;
  return ZSlackId.safeParse(raw).success ? (raw as string) : undefined;
}

/** Parses a view's private_metadata (JSON we wrote) against `schema`; null when it is not ours any more. */
export function parseMetadata<T>(schema: z.ZodType<T>, raw: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(raw === '' ? '{}' : raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Wraps a listener so it runs only with a payload that matches `schema`, and receives it parsed;
 * anything else goes to `onInvalid`, which must ack (and may tell the user the control is out of
 * date). Used by every listener registration.
 */
export function validated<Args extends { body: unknown }, T>(
  schema: z.ZodType<T>,
  handler: (args: Args, input: T) => Promise<void>,
  onInvalid: (args: Args, error: z.ZodError) => Promise<void>,
): (args: Args) => Promise<void> {
  return async (args) => {
    const parsed = schema.safeParse(args.body);
    if (parsed.success) await handler(args, parsed.data);
    else await onInvalid(args, parsed.error);
  };
}
