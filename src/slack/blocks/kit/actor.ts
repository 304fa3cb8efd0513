import { type Actor, parseActorKey } from '../../../domain/actor.ts';
import { escapeMrkdwn } from './limits.ts';

/** Who did something, for people: the one rendering of an actor in cards, replies, DMs and ephemerals. */
export function describeActor(actor: Actor): string {
  switch (actor.type) {
    case 'user':
      return `by <@${actor.id}>`;
    case 'service':
      return `by ${escapeMrkdwn(actor.id)}`;
    case 'rule':
      return `automatically by rule “${escapeMrkdwn(actor.id)}”`;
    case 'system':
      return 'by Greenlight';
    case 'anonymous':
      return 'by an unknown caller';
  }
}

/** Who decided a request, rendered; empty when nobody did (it expired, or is pending). */
export function describeDecider(request: { decidedBy: string | null }): string {
  return request.decidedBy === null ? '' : describeActor(parseActorKey(request.decidedBy));
}
