import type { AckFn, RespondArguments, ViewResponseAction } from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import type { z } from 'zod';
import { buildMessageModal } from '../blocks/message-modal.ts';
import { senderOf } from '../payloads.ts';
import { tellUser } from './feedback.ts';

/**
 * How the app answers what it cannot act on: an interaction from an older version (an action or
 * modal it no longer has), or one whose payload does not have the shape we read. Slack only needs
 * an ack; the user is told, where we know who they are, that the control is out of date.
 */
export const STALE_TEXT = {
  button: 'This button is out of date — it may come from an older message. Please use a current one.',
  form: 'This form is out of date — please open it again.',
  command: 'That command could not be read. Please try again.',
} as const;

/** The modal an out-of-date submission is replaced with (it cannot be acted on, and stays closeable). */
export function staleFormView() {
  return buildMessageModal('Out of date', STALE_TEXT.form);
}

/**
 * The ack body for any interaction nobody handled, by what Slack expects back: a view submission
 * replaces the modal with the out-of-date message, an options request gets no options, anything
 * else an empty 200.
 */
export function staleAnswer(body: unknown): Record<string, unknown> | undefined {
  const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined;
  if (type === 'view_submission') return { response_action: 'update', view: staleFormView() };
  if (type === 'block_suggestion') return { options: [] };
  return undefined;
}

interface StaleArgs {
  body: unknown;
  client: WebClient;
  logger: Logger;
}

/** Tells the sender (when the payload names one) that what they used is out of date; never throws. */
async function tellSender({ body, client, logger }: StaleArgs, text: string): Promise<void> {
  const user = senderOf(body);
  if (user === undefined) return;
  const channel = (body as { channel?: { id?: unknown } }).channel?.id;
  await tellUser(client, { user, channel: typeof channel === 'string' ? channel : undefined, text }).catch(
    (error: unknown) => logger.warn(`telling ${user} about an out-of-date interaction failed: ${String(error)}`),
  );
}

function logInvalid(logger: Logger, what: string, error?: z.ZodError): void {
  const issue = error?.issues[0];
  logger.warn(`${what}: payload not understood${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}`);
}

/** A button or select we cannot act on: ack at once, then say so where the user pressed it. */
export async function staleButton(args: StaleArgs & { ack: AckFn<void> }, error?: z.ZodError): Promise<void> {
  await args.ack();
  logInvalid(args.logger, 'block_actions', error);
  await tellSender(args, STALE_TEXT.button);
}

/**
 * A submission we cannot act on. With `blockId` (an input the modal is known to have) the modal
 * stays open with the message under it; otherwise it is replaced by the out-of-date message.
 */
export function staleForm(blockId?: string) {
  return async (args: StaleArgs & { ack: AckFn<ViewResponseAction> }, error?: z.ZodError) => {
    logInvalid(args.logger, 'view_submission', error);
    await args.ack(
      blockId === undefined
        ? { response_action: 'update', view: staleFormView() }
        : { response_action: 'errors', errors: { [blockId]: STALE_TEXT.form } },
    );
  };
}

/** An options request we cannot answer: no options. */
export async function noOptions(
  args: StaleArgs & { ack: AckFn<{ options: never[] }> },
  error?: z.ZodError,
): Promise<void> {
  logInvalid(args.logger, 'block_suggestion', error);
  await args.ack({ options: [] });
}

/** A slash command we cannot read: the ack's text is shown to the user who typed it. */
export async function staleCommand(
  args: StaleArgs & { ack: AckFn<string | RespondArguments> },
  error?: z.ZodError,
): Promise<void> {
  logInvalid(args.logger, 'slash command', error);
  await args.ack(STALE_TEXT.command);
}
