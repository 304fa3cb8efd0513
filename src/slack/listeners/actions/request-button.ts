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
 * How long a button's write may take before the press is acked anyway. Slack shows the presser an
 * error after 3 s without an ack (and the HTTP receiver gives up at 3.001 s); 2 s leaves room for
 * the request's way in and the ack's way back.
 */
export const ACK_BUDGET_MS = 2_000;

/**
 * Once acked at the budget, how much longer the write may take before the presser is told it is not
 * recorded yet: a few seconds, so they hear it while they still look at the button. The notice says
 * it has not counted *yet* and that a failure will be told, never to press again: the write is still
 * running and will be answered either way (a press again would only queue behind it).
 */
export const NOT_RECORDED_NOTICE_MS = 3_000;

/** When a recording button acks and when it owns up to a write that has not committed. */
export interface AckTiming {
  budgetMs: number;
  noticeMs: number;
}

const ACK_TIMING: AckTiming = { budgetMs: ACK_BUDGET_MS, noticeMs: NOT_RECORDED_NOTICE_MS };

/** A button whose press changes state: the write, and what follows it once it is recorded. */
export interface ButtonWrite<T> {
  /** The state change, committed to PostgreSQL before the ack when it fits the budget. Throws to refuse. */
  record: (press: ButtonPress) => Promise<T>;
  /** Runs after the ack with what `record` returned: queue the card update, tell the presser. */
  respond: (press: ButtonPress, recorded: T) => Promise<void>;
}

/** What a recording button tells the presser whose write had not committed a few seconds after the ack. */
export interface RecordingFailure extends ButtonFailure {
  notRecorded: string;
}

/**
 * The frame every button on a request shares: ack at once (Slack waits three seconds), unpack who
 * pressed where and the button's value, run the listener's own check and view, and if that throws,
 * log what was unexpected and tell the presser alone that nothing happened. For a button that only
 * checks or opens a form; one that records a decision uses `recordingButton`.
 */
export function requestButton(failure: ButtonFailure, handle: (press: ButtonPress) => Promise<void>) {
  return async ({ ack, client, logger }: Args, input: TBlockActions): Promise<void> => {
    await ack();
    const press = unpack(client, input);
    try {
      await handle(press);
    } catch (error) {
      await explainFailure(failure, press, logger, error);
    }
  };
}

/**
 * The frame of a button that records a decision (Approve, an extension's Approve/Deny): the write
 * commits before the ack, so a press Slack saw acknowledged survives a crash right after. The write
 * races `timing.budgetMs`; past it the press is acked anyway (Slack would show an error) and, if
 * the write has still not committed `timing.noticeMs` later, the presser is told `notRecorded` —
 * never that it counts. A write that fails is explained as in `requestButton`, whenever it fails.
 * A write that commits late still gets its `respond` (the card, "your approval is recorded").
 */
export function recordingButton<T>(failure: RecordingFailure, write: ButtonWrite<T>, timing: AckTiming = ACK_TIMING) {
  return async ({ ack, client, logger }: Args, input: TBlockActions): Promise<void> => {
    const press = unpack(client, input);
    const written = write.record(press).then(
      (value) => ({ ok: true, value }) as const,
      (error: unknown) => ({ ok: false, error }) as const,
    );
    let outcome = await within(written, timing.budgetMs);
    await ack();
    if (outcome === undefined) {
      logger.warn(`${failure.log}: not recorded within ${timing.budgetMs} ms for ${clip(press.value)}; acked anyway`);
      outcome = await within(written, timing.noticeMs);
      if (outcome === undefined) {
        await press.tell(failure.notRecorded).catch((told: unknown) => warnUntold(failure, press, logger, told));
        outcome = await written;
      }
    }
    try {
      if (!outcome.ok) throw outcome.error;
      await write.respond(press, outcome.value);
    } catch (error) {
      await explainFailure(failure, press, logger, error);
    }
  };
}

/** `promise`'s value if it settles within `ms`, else undefined (the promise keeps running). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function unpack(client: WebClient, input: TBlockActions): ButtonPress {
  const user = input.user.id;
  const channel = input.channel?.id;
  const value = input.actions[0].value ?? '';
  const tell = (text: string) => tellUser(client, { user, channel, text });
  return { user, channel, value, input, client, tell };
}

const clip = (value: string) => value.slice(0, 100);

function warnUntold(failure: ButtonFailure, press: ButtonPress, logger: Args['logger'], told: unknown) {
  logger.warn(`${failure.log}: telling ${press.user} failed: ${String(told)}`);
}

/** Logs what was unexpected, tells the presser alone that nothing happened, then runs the after-failure hook. */
async function explainFailure(failure: ButtonFailure, press: ButtonPress, logger: Args['logger'], error: unknown) {
  let text = failure.failed;
  if (error instanceof AppError && failure.refused !== undefined) text = await failure.refused(error, press);
  else logger.error(`${failure.log} failed for ${clip(press.value)}: ${String(error)}`);
  await press.tell(text).catch((told: unknown) => warnUntold(failure, press, logger, told));
  await failure.afterFailure?.(press);
}
