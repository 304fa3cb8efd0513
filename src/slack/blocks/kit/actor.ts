import { type Actor, actingFor, parseActorKey } from '../../../domain/actor.ts';
import { escapeMrkdwn } from './limits.ts';

/** Who did something, for people: the one rendering of an actor in cards, replies, DMs and ephemerals. */
export function describeActor(actor: Actor): string {
  switch (actor.type) {
    case 'user':
      return `by <@${actor.id}>`;
    case 'service':
      // Never the person's own act: the service is named, and the person only as whom it acted for.
      return actor.onBehalfOf === undefined
        ? `by ${escapeMrkdwn(actor.id)}`
        : `by service ${escapeMrkdwn(actor.id)} on behalf of <@${actor.onBehalfOf}>`;
    case 'rule':
      return `automatically by rule “${escapeMrkdwn(actor.id)}”`;
    case 'system':
      return 'by Greenlight';
    case 'anonymous':
      return 'by an unknown caller';
  }
}

/**
 * An actor stored as a key (`decided_by`, `grant_ended_by`, an extension's `requested_by`) on a
 * request, rendered: a service is shown acting on behalf of the request's requester (`actingFor`).
 */
export function describeActorKey(key: string, request: { requesterSlackId: string }): string {
  return describeActor(actingFor(parseActorKey(key), request.requesterSlackId));
}

/** Who decided a request, rendered; empty when nobody did (it expired, or is pending). */
export function describeDecider(request: { decidedBy: string | null; requesterSlackId: string }): string {
  return request.decidedBy === null ? '' : describeActorKey(request.decidedBy, request);
}
