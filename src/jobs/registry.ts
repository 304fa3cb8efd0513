import { announceBreakGlass } from './definitions/announce-break-glass.ts';
import { approverDm } from './definitions/approver-dm.ts';
import { deliverCallbackJob } from './definitions/deliver-callback.ts';
import { escalateRequest } from './definitions/escalate-request.ts';
import { escalationNotice } from './definitions/escalation-notice.ts';
import { expireRequest } from './definitions/expire-request.ts';
import { lapseGrant } from './definitions/lapse-grant.ts';
import { notifyApprovers } from './definitions/notify-approvers.ts';
import { notifyLater } from './definitions/notify-later.ts';
import { postCard } from './definitions/post-card.ts';
import { reconcile } from './definitions/reconcile.ts';
import { remindApprovers } from './definitions/remind-approvers.ts';
import { reportGithub } from './definitions/report-github.ts';
import { reportRunTaskJob } from './definitions/report-run-task.ts';
import { sendDm } from './definitions/send-dm.ts';
import { stageNotice } from './definitions/stage-notice.ts';
import { updateCard } from './definitions/update-card.ts';
import { warnExpiry } from './definitions/warn-expiry.ts';
import { workflowNotice } from './definitions/workflow-notice.ts';

/** Every job this service runs; a new job is a file in definitions/ and an entry here. */
export const JOB_DEFINITIONS = [
  postCard,
  updateCard,
  sendDm,
  expireRequest,
  lapseGrant,
  reconcile,
  deliverCallbackJob,
  reportRunTaskJob,
  workflowNotice,
  // Workflow timers and their notices (reminders, escalation, expiry warning).
  remindApprovers,
  escalateRequest,
  escalationNotice,
  warnExpiry,
  // Multi-stage chains and break-glass.
  stageNotice,
  announceBreakGlass,
  notifyApprovers,
  notifyLater,
  approverDm,
  reportGithub,
];
