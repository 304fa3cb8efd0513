import type { Redis } from 'ioredis';
import type { CoreDeps } from '../services/ports.ts';
import type { JobRuntime } from './runtime.ts';

/**
 * Cards (post, update) and notifications (thread replies, DMs) have their own queues and workers,
 * so a burst of notifications never delays the cards approvers look at; timers run apart from both.
 */
export const QUEUES = { timers: 'timers', cards: 'cards', notify: 'notify' } as const;

/** What job handlers get: the use-case dependencies plus the queues, to chain follow-up jobs. */
export interface JobDeps extends CoreDeps {
  jobs: JobRuntime<JobDeps>;
  /** The fail-fast Redis connection, for the short locks jobs take (see card-turns.ts). */
  redis: Redis;
}
