import { expire, postCard, sendDm, threadReply, updateCard } from './definitions.ts';
import { reconcile } from './reconciler.ts';

export { type JobDeps, QUEUES } from './definitions.ts';

/** Every job this service runs. */
export const JOB_DEFINITIONS = [postCard, updateCard, threadReply, sendDm, expire, reconcile];
