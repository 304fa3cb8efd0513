import { parseActorKey } from '../../domain/actor.ts';
import type { RequestRow } from '../requests/store/reads.ts';

/** What a task result says to HCP Terraform: `running` while waiting, then `passed` or `failed`. */
export type TaskResultStatus = 'running' | 'passed' | 'failed';

export interface TaskResult {
  status: TaskResultStatus;
  message: string;
  /** The card in Slack, once posted. */
  url?: string;
}

/** The request fields a task result is written from. */
export type ResultSource = Pick<
  RequestRow,
  'status' | 'channelId' | 'messageTs' | 'expiresAt' | 'decidedBy' | 'decisionReason' | 'grantEndReason'
>;

const MAX_MESSAGE = 500;

const utcTime = (at: Date) => `${at.toISOString().slice(11, 16)} UTC`;

function who(key: string | null): string {
  if (key === null) return 'Greenlight';
  const actor = parseActorKey(key);
  if (actor.type === 'rule') return `the rule “${actor.id}”`;
  if (actor.type === 'user') return `Slack user ${actor.id}`;
  return actor.type === 'service' ? actor.id : 'Greenlight';
}

function withCard(request: ResultSource, status: TaskResultStatus, message: string): TaskResult {
  const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
  if (request.messageTs === null) return { status, message: text };
  const url = `https://slack.com/archives/${request.channelId}/p${request.messageTs.replace('.', '')}`;
  return { status, message: text, url };
}

/** The `running` result while the request waits; null once it is decided (the final result says it all). */
export function runningResult(request: ResultSource): TaskResult | null {
  if (request.status !== 'pending') return null;
  return withCard(
    request,
    'running',
    `Waiting for approval in Slack channel ${request.channelId}, expires ${utcTime(request.expiresAt)}`,
  );
}

/**
 * The final result of a decided request: approved (or already executed) passes; every other end fails,
 * saying why. Null while the request is pending.
 */
export function finalResult(request: ResultSource): TaskResult | null {
  const by = who(request.decidedBy);
  const because = request.decisionReason ? `: ${request.decisionReason}` : '';
  switch (request.status) {
    case 'pending':
      return null;
    case 'approved':
    case 'executed':
      return withCard(request, 'passed', `Approved by ${by}`);
    case 'denied':
      return withCard(request, 'failed', `Denied by ${by}${because}`);
    case 'expired':
      return withCard(request, 'failed', `No decision before the deadline (${utcTime(request.expiresAt)}): expired`);
    case 'cancelled':
      return withCard(request, 'failed', `The approval request was cancelled${because}`);
    case 'revoked':
    case 'lapsed':
      return withCard(request, 'failed', `The approval was ${request.status} before the run went on`);
  }
}

/** The final result of a run no request could be made for. */
export function refusedResult(failure: string): TaskResult {
  const message = `Greenlight could not ask for approval: ${failure}`;
  return {
    status: 'failed',
    message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message,
  };
}
