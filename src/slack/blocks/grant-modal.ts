import type { KnownBlock, ModalView } from '@slack/types';
import type { RequestRow } from '../../services/requests/store/reads.ts';
import { slackDate } from './kit/date.ts';
import { grantStatusLine } from './kit/grant.ts';
import { escapeMrkdwn, truncate } from './kit/limits.ts';
import { context, plain, section } from './kit/text.ts';

/** What the grant modal reads about a request: what it is for, and how its grant stands. */
export type GrantView = Pick<
  RequestRow,
  | 'id'
  | 'status'
  | 'action'
  | 'resource'
  | 'grantId'
  | 'grantToken'
  | 'grantExpiresAt'
  | 'executedAt'
  | 'grantEndedAt'
  | 'grantEndedBy'
  | 'grantEndReason'
  | 'requesterSlackId'
>;

/**
 * The **Show grant** modal for a Slack requester: while the request is approved, its grant token
 * (preformatted, to copy whole), when it expires and how to verify it against the JWKS published
 * under `issuer` (the service's public URL); otherwise why there is nothing to show any more (executed, revoked, lapsed — when).
 */
export function buildGrantModal(request: GrantView, issuer: string): ModalView {
  const what = `\`${truncate(escapeMrkdwn(request.action), 500)}\` on \`${truncate(escapeMrkdwn(request.resource), 1000)}\``;
  const blocks: KnownBlock[] = [];
  if (request.status === 'approved' && request.grantToken !== null && request.grantExpiresAt !== null) {
    blocks.push(
      section(`Your grant for ${what}. Hand it to whatever performs the action: it works once.`),
      {
        type: 'rich_text',
        block_id: 'grant_token',
        elements: [{ type: 'rich_text_preformatted', elements: [{ type: 'text', text: request.grantToken }] }],
      },
      context(
        `Expires ${slackDate(request.grantExpiresAt)} · grant \`${request.grantId ?? '?'}\` · request \`${request.id}\``,
      ),
      section(
        '*How to verify it:* it is a JWT signed with EdDSA (header `typ` `greenlight-grant+jwt`). ' +
          `Check the signature with the key named by its \`kid\` in <${issuer}/.well-known/jwks.json|Greenlight's JWKS>, ` +
          `then that \`iss\` is \`${issuer}\`, \`aud\` is \`slack\`, \`sub\` is \`${request.id}\`, ` +
          'and that it is not past `exp`.',
      ),
      context(
        ':lock: Anyone holding this token can use it until it expires or is revoked: keep it out of chats and logs.',
      ),
    );
  } else {
    const line = grantStatusLine(request);
    blocks.push(
      section(
        line === null || request.status === 'approved'
          ? `There is no grant to show for ${what}: the request is ${request.status}.`
          : `There is no grant to show for ${what} any more.\n${line}`,
      ),
    );
  }
  return { type: 'modal', title: plain('Your grant'), close: plain('Done'), blocks };
}
