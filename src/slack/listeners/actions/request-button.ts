import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { AppError } from '../../../errors.ts';
import type { TBlockActions } from '../../payloads.ts';
import { tellUser } from '../feedback.ts';

/** One press of a button on a request, unpacked for the listener's own part. */
export interface ButtonPress {
  /** Who pressed it. */
  user: string;
  /** Where it was pressed; undefined in App Home (then `tell` sends a DM). */
  channel: string | undefined;
  /** The button's value — a request id, or a workflow ref on question and extension buttons; '' when missing. */
  value: string;
  input: TBlockActions;
  client: WebClient;
  /** Tells the presser alone: an ephemeral message where they pressed, or a DM. */
  tell: (text: string) => Promise<void>;
}

/** How a button that failed is logged and explained to the presser. */
export interface ButtonFailure {
  /** Names the button in the log: `<log> failed for <value>: <error>`. */
  log: string;
  /**
   * What the presser is told when a coded AppError stopped the button. Such an error is expected,
   * so it is not logged; without this, an AppError is logged and told like any other failure.
   */
  refused?: (error: AppError, press: ButtonPress) => string | Promise<string>;
  /** What the presser is told when anything else went wrong. */
  failed: string;
  /** Runs once the presser was told of the failure (e.g. to bring a stale App Home up to date). */
  afterFailure?: (press: ButtonPress) => Promise<void>;
}

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

/**
 * The frame every button on a request shares: ack at once (Slack waits three seconds), unpack who
 * pressed where and the button's value, run the listener's own check and view, and if that throws,
 * log what was unexpected and tell the presser alone that nothing happened.
 */
export function requestButton(failure: ButtonFailure, handle: (press: ButtonPress) => Promise<void>) {
  return async ({ ack, client, logger }: Args, input: TBlockActions): Promise<void> => {
    await ack();
    const user = input.user.id;
    const channel = input.channel?.id;
    const value = input.actions[0].value ?? '';
    const tell = (text: string) => tellUser(client, { user, channel, text });
    const press: ButtonPress = { user, channel, value, input, client, tell };
    try {
      await handle(press);
    } catch (error) {
      let text = failure.failed;
      if (error instanceof AppError && failure.refused !== undefined) text = await failure.refused(error, press);
      else logger.error(`${failure.log} failed for ${value.slice(0, 100)}: ${String(error)}`);
      await tell(text).catch((told: unknown) => logger.warn(`${failure.log}: telling ${user} failed: ${String(told)}`));
      await failure.afterFailure?.(press);
    }
  };
}
