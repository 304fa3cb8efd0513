import { z } from 'zod';
import { isSlackRequester } from '../../domain/requester.ts';
import { apiClientName } from '../../services/api-keys/client-names.ts';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { type DmKind, dmMessage } from '../../slack/blocks/notifications.ts';
import { openDm, type SlackCaller } from '../direct-message.ts';
import { loadRequestUnlessSkipped } from '../guards.ts';
import { type JobDeps, QUEUES } from '../queues.ts';
import { defineJob } from '../runtime.ts';
import { callSlack, unlessPermanent } from '../slack-errors.ts';

const ZDm = z
  .object({
    requestId: z.string().uuid(),
    kind: z.enum(['submitted', 'card_failed'] satisfies DmKind[]),
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
  return (await apiClientName(deps, deps.db, apiClientId)) ?? request.source;
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
  call: SlackCaller,
): Promise<void> {
  const channel = await openDm(deps, request.requesterSlackId, call);
  const service = kind === 'submitted' ? await madeBy(deps, request) : undefined;
  await call(() => deps.slack.chat.postMessage({ channel, ...dmMessage(request, kind, service) }));
}

/**
 * A DM to the requester: the confirmation (`submitted`) when the card job could not write it in
 * passing, or a card Slack refused (`card_failed`). Outcome notices are sent once by the request's
 * follow-up job (update-card.ts) or, for a request decided at once, by the card job in passing.
 */
export const sendDm = defineJob<z.infer<typeof ZDm>, JobDeps>({
  name: 'slack.dm',
  queue: QUEUES.notify,
  schema: ZDm,
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  async handle({ requestId, kind }, deps, job, token) {
    const request = await loadRequestUnlessSkipped(deps, requestId, () => null);
    // An unlinked GitHub requester has no Slack user to write to: the DM is settled unsent.
    if (request === null || !isSlackRequester(request.requesterSlackId)) return;
    await unlessPermanent(() => writeToRequester(deps, request, kind, (call) => callSlack(job, token, call)));
  },
});
