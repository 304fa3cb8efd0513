import { createKeyedQueue } from '../platform/keyed-queue.ts';

/**
 * Card work (post, update) for one request runs one at a time in this process: each run renders the
 * row as it is then, sends it and records the version it showed, so two updates can never reach
 * Slack in the opposite order of the versions they render.
 */
export const inCardTurn = createKeyedQueue();
