import { isSlackRequester } from './requester.ts';

/**
 * Who did something: the one model of "who" used by use cases, the audit trail, the request row
 * (`decided_by`) and every rendering. Pure: no I/O.
 */
export type Actor =
  /** A person in Slack, by user id. */
  | { type: 'user'; id: string }
  /**
   * An API client or platform integration, by name; `clientId` is its row id (ownership checks), never
   * shown. `onBehalfOf` is the Slack user the service acts for (the requester it named): the act is
   * the service's, never that person's, and the audit trail records both (see `actingFor`).
   */
  | { type: 'service'; id: string; clientId?: string; onBehalfOf?: string }
  /** A routing rule that decided automatically, by name. */
  | { type: 'rule'; id: string }
  /** Greenlight itself (expiry, the reconciler). */
  | { type: 'system'; id?: string }
  /** An unauthenticated caller; `id` may carry what identifies the source. */
  | { type: 'anonymous'; id?: string };

export type ActorType = Actor['type'];

/** A person in Slack. */
export type UserActor = Extract<Actor, { type: 'user' }>;

/** An API client acting through its key: its row id is known, so ownership can be checked. */
export type ClientActor = Extract<Actor, { type: 'service' }> & { clientId: string };

/** A person in Slack or an API client: who cancels and revokes (each use case checks which of them may). */
export type UserOrClientActor = UserActor | ClientActor;

/**
 * The compact form stored in `decided_by` and shown as `decision.by` in the API: a user's id as it
 * is, `service:<name>`, `rule:<name>`, or `system`.
 */
export function actorKey(actor: Actor): string {
  switch (actor.type) {
    case 'user':
      return actor.id;
    case 'service':
    case 'rule':
      return `${actor.type}:${actor.id}`;
    case 'system':
    case 'anonymous':
      return actor.type;
  }
}

/** Reads an `actorKey` back; the inverse of `actorKey` for every actor it can produce. */
export function parseActorKey(key: string): Actor {
  if (key.startsWith('service:')) return { type: 'service', id: key.slice('service:'.length) };
  if (key.startsWith('rule:')) return { type: 'rule', id: key.slice('rule:'.length) };
  if (key === 'system' || key === 'anonymous') return { type: key };
  return { type: 'user', id: key };
}

/** The `actorType`/`actorId` pair the audit trail stores. */
export function auditActor(actor: Actor): { actorType: ActorType; actorId: string | null } {
  return { actorType: actor.type, actorId: actor.id ?? null };
}

/**
 * The actor of an act on a request whose requester is `requester`: a service acts on behalf of the
 * Slack user it named as requester (it can act only on requests it made), so the act is recorded and
 * shown as the service's for that person, never as the person's own. Anyone else is returned as is.
 */
export function actingFor(actor: Actor, requester: string): Actor {
  if (actor.type !== 'service' || !isSlackRequester(requester)) return actor;
  return { ...actor, onBehalfOf: requester };
}

/**
 * What an audit event's details add for its actor: `onBehalfOf: "user:<id>"` when a service acted for
 * a person, so the trail names the service as the actor and the person only as whom it acted for.
 */
export function onBehalfOfDetails(actor: Actor): { onBehalfOf?: string } {
  return actor.type === 'service' && actor.onBehalfOf !== undefined ? { onBehalfOf: `user:${actor.onBehalfOf}` } : {};
}
