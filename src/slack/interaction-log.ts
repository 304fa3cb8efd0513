import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Metrics } from '../platform/metrics.ts';
import { currentTrace, runWithTrace, traceIdFrom } from '../platform/trace.ts';

/** Interaction types labelled as themselves; anything else is `other`. */
const TYPES = new Set([
  'block_actions',
  'block_suggestion',
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'command',
  'event',
]);

/** What a log line may say about an interaction: its kind, the id that routed it, and who. */
export interface InteractionSummary {
  type: string;
  /** The action id, callback id, slash command or event type. */
  id: string | null;
  user: string | null;
}

const text = (value: unknown, max: number): string | null =>
  typeof value === 'string' && value !== '' ? value.slice(0, max) : null;

/**
 * Reads the kind, routing id and user of a Slack payload — never its values, which may hold what
 * someone typed into a modal.
 */
export function summarizeInteraction(body: unknown): InteractionSummary {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const record = (value: unknown) =>
    (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const first = record(Array.isArray(b.actions) ? b.actions[0] : undefined);
  const event = record(b.event);
  const raw =
    typeof b.command === 'string' ? 'command' : b.type === 'event_callback' ? 'event' : (text(b.type, 40) ?? 'other');
  const type = TYPES.has(raw) ? raw : 'other';
  const id =
    text(first.action_id, 100) ??
    text(b.action_id, 100) ??
    text(record(b.view).callback_id, 100) ??
    text(b.callback_id, 100) ??
    text(b.command, 100) ??
    text(event.type, 100);
  const user = text(record(b.user).id, 30) ?? text(b.user_id, 30) ?? text(event.user, 30);
  return { type, id, user };
}

/**
 * Bolt's first global middleware: one log line per Slack interaction (type, action or callback id,
 * user, duration until the listeners finished, trace id) and its duration in
 * `greenlight_slack_interaction_duration_seconds`. Over HTTP the interaction keeps the trace id of
 * its POST /slack/events; in Socket Mode it gets a fresh one.
 */
export function interactionLog(
  logger: Logger,
  metrics: Pick<Metrics, 'slackInteractions'>,
): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const started = process.hrtime.bigint();
    const summary = summarizeInteraction(body);
    const traceId = currentTrace()?.traceId ?? traceIdFrom(undefined);
    let failed = false;
    try {
      await runWithTrace({ traceId }, next);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.slackInteractions.observe({ type: summary.type }, seconds);
      logger.info(
        { traceId, ...summary, durationMs: Math.round(seconds * 1e4) / 10, ...(failed ? { failed } : {}) },
        'slack interaction',
      );
    }
  };
}
