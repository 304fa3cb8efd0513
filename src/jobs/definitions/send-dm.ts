import { z } from 'zod';
import { isGrantEnd } from '../../domain/request-status.ts';
import { isSlackRequester } from '../../domain/requester.ts';
import type { RequestRow } from '../../services/requests/store.ts';
import { type DmKind, dmMessage } from '../../slack/blocks/notifications.ts';
import { loadForJob, type Skip } from '../guards.ts';
import { dmFor, markNotified, NOTICE_GUARDS, type NoticeStage, waitForDecisionNotice } from '../notified.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { callSlack, unlessPermanent } from '../slack-errors.ts';

const ZDm = z
  .object({
    requestId: z.string().uuid(),
    kind: z.enum(['submitted', 'outcome', 'card_failed', 'grant_ended'] satisfies DmKind[]),
  })
  .strict();

/**
 * Who made a request in its requester's name, for the confirmation telling them so: the API client by
 * name, or the platform integration (`github`, `terraform`); undefined when the person asked in Slack.
 */
async function madeBy(deps: Pick<JobDeps, 'db' | 'caches'>, request: RequestRow): Promise<string | undefined> {
  if (request.source === 'slack') return undefined;
  const { apiClientId } = request;
  if (apiClientId === null) return request.source;
  // Cached: a client's name never changes, and this DM follows every API request.
  const cached = deps.caches.serviceNames.get(apiClientId);
  if (cached !== undefined) return cached;
  const client = await deps.db.apiClient.findUnique({ where: { id: apiClientId }, select: { name: true } });
  if (client === null) return request.source;
  deps.caches.serviceNames.set(apiClientId, client.name);
  return client.name;
}

/**
 * Writes `kind`'s DM to the request's (Slack) requester: opens the DM channel (cached), then posts.
 * `call` wraps each Slack call: callSlack in a job of its own (rate limits move the job), a plain
 * call where another job sends it in passing (post-card.ts) and queues this job if it fails.
 */
export async function writeToRequester(
  deps: Pick<JobDeps, 'db' | 'caches' | 'slack'>,
  request: RequestRow,
  kind: DmKind,
  call: <T>(slackCall: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const user = request.requesterSlackId;
  let channel = deps.caches.dmChannels.get(user);
  if (channel === undefined) {
    const opened = await call(() => deps.slack.conversations.open({ users: user }));
    channel = opened.channel?.id as string;
    deps.caches.dmChannels.set(user, channel);
  }
  const to = channel;
  const service = kind === 'submitted' ? await madeBy(deps, request) : undefined;
  await call(() => deps.slack.chat.postMessage({ channel: to, ...dmMessage(request, kind, service) }));
}

/** The outcome notice (notified.ts) a DM kind is, if it is one: those are sent once. */
const NOTICE_OF: Partial<Record<DmKind, NoticeStage>> = { outcome: 'decision', grant_ended: 'grant_end' };

/**
 * A DM to the requester. The outcome DM (`outcomeDmAt`) and the grant-ended DM (`grantEndDmAt`,
 * revoked or lapsed; after the outcome DM) are each sent once.
 */
export const sendDm = defineJob<z.infer<typeof ZDm>, JobDeps>({
  name: 'slack.dm',
  queue: QUEUES.notify,
  schema: ZDm,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId, kind }, deps, job, token) {
    const stage = NOTICE_OF[kind];
    const guard = stage === undefined ? undefined : NOTICE_GUARDS.dm[stage];
    const request = await loadForJob(deps, requestId, (r): Skip | null => {
      if (stage === 'grant_end' && !(isGrantEnd(r.status) && dmFor(stage, r.status))) return 'no grant-ended DM due';
      return guard !== undefined && r[guard] !== null ? 'sent' : null;
    });
    if (request === null) return;
    if (stage !== undefined) await waitForDecisionNotice(job, token, request, 'dm', stage);
    const done = async () => {
      if (guard !== undefined) await markNotified(deps, requestId, guard);
    };
    // An unlinked GitHub requester has no Slack user to write to: the DM is settled unsent.
    if (!isSlackRequester(request.requesterSlackId)) {
      await done();
      return;
    }
    await unlessPermanent(() => writeToRequester(deps, request, kind, (call) => callSlack(job, token, call)), done);
    await done();
  },
});
