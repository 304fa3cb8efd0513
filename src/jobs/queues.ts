import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { CallbackTiming } from '../services/callbacks/schedule.ts';
import type { CoreDeps } from '../services/ports.ts';
import type { JobRuntime } from './runtime.ts';

/**
 * Cards (post, update) and notifications (thread replies, DMs) have their own queues and workers,
 * so a burst of notifications never delays the cards approvers look at; timers run apart from both.
 * Callbacks to services have theirs too: a receiver that hangs or fails holds only callback slots,
 * never a card, a click, a timer — and, with many slots, not other requests' callbacks either.
 */
export const QUEUES = { timers: 'timers', cards: 'cards', notify: 'notify', callbacks: 'callbacks' } as const;

/** What job handlers get: the use-case dependencies plus the queues, to chain follow-up jobs. */
export interface JobDeps extends CoreDeps<WebClient> {
  jobs: JobRuntime<JobDeps>;
  /** The fail-fast Redis connection, for the short locks jobs take (see card-turns.ts). */
  redis: Redis;
  /** How callback deliveries retry and how long one attempt may take (tests shorten them). */
  callbackTiming: CallbackTiming;
}
