/**
 * Who did something: the one model of "who" used by use cases, the audit trail, the request row
 * (`decided_by`) and every rendering. Pure: no I/O.
 */
export type Actor =
  /** A person in Slack, by user id. */
  | { type: 'user'; id: string }
  /** An API client, by name; `clientId` is its row id (ownership checks), never shown. */
  | { type: 'service'; id: string; clientId?: string }
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
