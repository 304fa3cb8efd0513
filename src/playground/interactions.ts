import {
  appHomeOpenedEvent,
  blockActionsPayload,
  blockSuggestionPayload,
  slashCommandForm,
  type TInteraction,
  viewClosedPayload,
  viewSubmissionPayload,
} from './payloads.ts';
import { signSlackRequest } from './signing.ts';
import { SlackApiError } from './slack-api/errors.ts';
import type { PlaygroundStore } from './slack-api/store.ts';
import type { PlaygroundView } from './slack-api/types.ts';
import { type DemoPerson, demoPerson } from './slack-api/workspace.ts';

/** What the browser hears back: modal errors to show under their fields, or options for a select. */
export type InteractionOutcome =
  | { ok: true; errors?: Record<string, string>; options?: unknown; option_groups?: unknown }
  | { ok: false; error: string; status: number };

/** Where Bolt's receiver listens (the app's own server) and the secret it verifies with. */
export interface BoltEndpoint {
  url: string;
  signingSecret: string;
}

const refused = (error: string, status = 400): InteractionOutcome => ({ ok: false, error, status });

/** Posts a signed body to Bolt's receiver exactly as Slack does, and answers Bolt's HTTP answer (JSON or none). */
async function postToBolt(
  endpoint: BoltEndpoint,
  body: string,
  contentType = 'application/x-www-form-urlencoded',
): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      ...signSlackRequest(endpoint.signingSecret, body),
    },
    body,
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`the app answered ${response.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`);
  if (text.trim() === '') return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : { text: String(parsed) };
  } catch {
    // Bolt acks a command with plain text when a listener acks with a string.
    return { text };
  }
}

const interactive = (payload: Record<string, unknown>) =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** A view of this person's, or undefined: nobody acts on someone else's modal or Home. */
function ownView(store: PlaygroundStore, person: DemoPerson, viewId: string): PlaygroundView | undefined {
  const view = store.views.get(viewId);
  return view?.user === person.id ? view : undefined;
}

/** Whether `person` sees the conversation: every demo person is in the channels; a DM is theirs alone. */
function sees(store: PlaygroundStore, person: DemoPerson, channel: string): boolean {
  try {
    const conversation = store.conversation(channel);
    return conversation.dmWith === undefined || conversation.dmWith === person.id;
  } catch (error) {
    if (error instanceof SlackApiError) return false;
    throw error;
  }
}

/** Applies Bolt's answer to a view submission as Slack does: errors, update, push, clear, or close the top view. */
function applySubmissionAnswer(
  store: PlaygroundStore,
  person: DemoPerson,
  view: PlaygroundView,
  answer: Record<string, unknown> | undefined,
): InteractionOutcome {
  const action = answer?.response_action;
  if (action === 'errors') return { ok: true, errors: (answer?.errors ?? {}) as Record<string, string> };
  if (action === 'update' && typeof answer?.view === 'object' && answer.view !== null) {
    store.updateView(view, answer.view as Record<string, unknown>);
    return { ok: true };
  }
  if (action === 'push' && typeof answer?.view === 'object' && answer.view !== null) {
    store.pushModal(person.id, answer.view as Record<string, unknown>);
    return { ok: true };
  }
  // If the stack changed while the listener ran (it called views.update or views.push itself), leave it.
  const stack = store.modals.get(person.id) ?? [];
  if (action === 'clear') store.closeModals(person.id, true);
  else if (stack[stack.length - 1] === view.id) store.closeModals(person.id, false);
  return { ok: true };
}

/**
 * Turns what the browser sent into the payload Slack would send, as the demo person it names, posts
 * it signed to Bolt's receiver, and applies Bolt's answer. The browser can refer only to what that
 * person sees: their own views and ephemerals, channels, their own DM.
 */
export async function interact(
  store: PlaygroundStore,
  endpoint: BoltEndpoint,
  input: TInteraction,
): Promise<InteractionOutcome> {
  const person = demoPerson(input.as);
  if (person === undefined) return refused('not a demo person', 403);
  switch (input.kind) {
    case 'app_home_opened': {
      const homeId = store.homes.get(person.id);
      const home = homeId === undefined ? undefined : store.views.get(homeId);
      await postToBolt(endpoint, JSON.stringify(appHomeOpenedEvent(store, person, home)), 'application/json');
      return { ok: true };
    }
    case 'command': {
      if (!input.text.startsWith('/')) return refused('only slash commands can be sent here');
      if (!sees(store, person, input.channel)) return refused('channel_not_found', 404);
      const channel = store.conversation(input.channel);
      const answer = await postToBolt(endpoint, slashCommandForm(store, person, channel, input.text).toString());
      // A command acked with a message: Slack shows it to the person who typed the command only.
      if (answer !== undefined && (typeof answer.text === 'string' || Array.isArray(answer.blocks))) {
        store.addEphemeral({
          channel: channel.id,
          ts: store.nextTs(),
          user: person.id,
          ...(typeof answer.text === 'string' ? { text: answer.text } : {}),
          ...(Array.isArray(answer.blocks) ? { blocks: answer.blocks } : {}),
        });
      }
      return { ok: true };
    }
    case 'block_actions': {
      const { container } = input;
      if (container.type === 'view') {
        const view = ownView(store, person, container.view_id);
        if (view === undefined) return refused('view_not_found', 404);
        const where = input.state === undefined ? { view } : { view, state: input.state };
        await postToBolt(endpoint, interactive(blockActionsPayload(store, person, where, input.action)));
        return { ok: true };
      }
      if (container.type === 'ephemeral') {
        const ephemeral = store.ephemerals.find(
          (e) => e.user === person.id && e.channel === container.channel && e.ts === container.ts,
        );
        if (ephemeral === undefined) return refused('message_not_found', 404);
        const message = { ...ephemeral, is_ephemeral: true };
        await postToBolt(endpoint, interactive(blockActionsPayload(store, person, { message }, input.action)));
        return { ok: true };
      }
      if (!sees(store, person, container.channel)) return refused('channel_not_found', 404);
      const stored = store.messages.get(`${container.channel}/${container.ts}`);
      if (stored === undefined) return refused('message_not_found', 404);
      const message = {
        channel: stored.channel,
        ts: stored.ts,
        is_ephemeral: false,
        ...(stored.text === undefined ? {} : { text: stored.text }),
        ...(stored.blocks === undefined ? {} : { blocks: stored.blocks }),
      };
      await postToBolt(endpoint, interactive(blockActionsPayload(store, person, { message }, input.action)));
      return { ok: true };
    }
    case 'view_submission': {
      const view = ownView(store, person, input.view_id);
      if (view === undefined) return refused('view_not_found', 404);
      const answer = await postToBolt(endpoint, interactive(viewSubmissionPayload(store, person, view, input.state)));
      return applySubmissionAnswer(store, person, view, answer);
    }
    case 'view_closed': {
      const view = ownView(store, person, input.view_id);
      if (view === undefined) return refused('view_not_found', 404);
      store.closeModals(person.id, false);
      // Slack sends view_closed only when the view asked for it (notify_on_close).
      if (view.view.notify_on_close === true) {
        await postToBolt(endpoint, interactive(viewClosedPayload(store, person, view, input.state)));
      }
      return { ok: true };
    }
    case 'block_suggestion': {
      const { container } = input;
      const field = { action_id: input.action_id, block_id: input.block_id, value: input.value };
      let where: Parameters<typeof blockSuggestionPayload>[2];
      if (container.type === 'view') {
        const view = ownView(store, person, container.view_id);
        if (view === undefined) return refused('view_not_found', 404);
        where = { view };
      } else {
        if (!sees(store, person, container.channel)) return refused('channel_not_found', 404);
        where = { channel: container.channel, ts: container.ts };
      }
      const answer = await postToBolt(endpoint, interactive(blockSuggestionPayload(store, person, where, field)));
      return {
        ok: true,
        options: answer?.options ?? [],
        ...(answer?.option_groups ? { option_groups: answer.option_groups } : {}),
      };
    }
  }
}
