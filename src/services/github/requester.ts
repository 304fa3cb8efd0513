import { z } from 'zod';
import { unlinkedGithubRequester } from '../../domain/requester.ts';
import { linkedSlackUser } from '../identities/identities.ts';
import type { CoreDeps } from '../ports.ts';
import { lookupSlackUser } from '../slack-users.ts';
import type { GithubApp } from './app-client.ts';

const ZGithubUser = z.object({ email: z.string().nullable().optional() });

/** Who a GitHub user is for the request: a Slack user, and how that was found. */
export interface GithubRequester {
  /** A Slack user id, or `github:<login>` when none was found (domain/requester.ts). */
  requester: string;
  via: 'link' | 'email' | 'unlinked';
}

/**
 * Finds the Slack user behind a GitHub login: the identity link an admin made, else the public
 * e-mail GitHub shows for the user (GET /users/{login}) looked up in Slack (users.lookupByEmail).
 * A failed GitHub or Slack call, no public e-mail, or no Slack member with it: the login stays
 * unlinked, and the card says so.
 */
export async function resolveGithubRequester(
  deps: Pick<CoreDeps, 'db' | 'slack' | 'caches' | 'logger'>,
  app: GithubApp,
  installationId: number,
  login: string,
): Promise<GithubRequester> {
  const linked = await linkedSlackUser(deps.db, 'github', login);
  if (linked !== null) return { requester: linked, via: 'link' };
  try {
    const { data } = await app.call(installationId, 'GET /users/{username}', { username: login });
    const email = ZGithubUser.parse(data).email;
    if (email) {
      const user = await lookupSlackUser(deps, { email });
      if (!user.deleted && user.id !== '') return { requester: user.id, via: 'email' };
    }
  } catch (error) {
    deps.logger.info({ err: error, login }, 'github: no Slack user found by e-mail for this login');
  }
  return { requester: unlinkedGithubRequester(login), via: 'unlinked' };
}
