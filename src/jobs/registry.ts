import { deliverCallbackJob } from './definitions/deliver-callback.ts';
import { expireRequest } from './definitions/expire-request.ts';
import { lapseGrant } from './definitions/lapse-grant.ts';
import { postCard } from './definitions/post-card.ts';
import { reconcile } from './definitions/reconcile.ts';
import { reportGithub } from './definitions/report-github.ts';
import { sendDm } from './definitions/send-dm.ts';
import { threadReply } from './definitions/thread-reply.ts';
import { updateCard } from './definitions/update-card.ts';

/** Every job this service runs; a new job is a file in definitions/ and an entry here. */
export const JOB_DEFINITIONS = [
  postCard,
  updateCard,
  threadReply,
  sendDm,
  expireRequest,
  lapseGrant,
  reconcile,
  deliverCallbackJob,
  reportGithub,
];
