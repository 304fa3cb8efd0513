import type { RequestRow } from './store/reads.ts';

/**
 * What a needs-info question or a grant extension must tell in Slack: a question asked (card thread,
 * requester's DM with Reply), answered (thread, asker's DM), an extension asked for (a thread reply
 * with Approve extension / Deny extension), or closed (that reply updated, the requester told).
 */
export type WorkflowNoticeKind = 'question_asked' | 'question_answered' | 'extension_requested' | 'extension_closed';

/** One such notice: its kind, the request, and the question's or extension's id. Ids only. */
export interface WorkflowNotice {
  kind: WorkflowNoticeKind;
  requestId: string;
  id: string;
}

/**
 * Every workflow notice the request is owed and has not sent, read off its rows (each notice's own
 * columns record that it went out), so effects after a change and the reconciler after a loss owe
 * the same ones.
 */
export function owedWorkflowNotices(request: Pick<RequestRow, 'id' | 'questions' | 'extensions'>): WorkflowNotice[] {
  const owed: WorkflowNotice[] = [];
  const of = (kind: WorkflowNoticeKind, id: string) => owed.push({ kind, requestId: request.id, id });
  for (const q of request.questions) {
    if (q.askedThreadAt === null || q.askedDmAt === null) of('question_asked', q.id);
    if (q.answeredAt !== null && (q.answeredThreadAt === null || q.answeredDmAt === null))
      of('question_answered', q.id);
  }
  for (const e of request.extensions) {
    if (e.requestedNoticeAt === null) of('extension_requested', e.id);
    if (e.status !== 'pending' && e.closedNoticeAt === null) of('extension_closed', e.id);
  }
  return owed;
}
