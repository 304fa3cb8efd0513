import { createAppAuth } from '@octokit/auth-app';
// @octokit/auth-app's own HTTP client (its dependency): it is what auth-app mints tokens with, so the
// REST calls share its base URL, errors and user agent.
import { request as octokitRequest } from '@octokit/request';
import type { TConfig } from '../../config/index.ts';

/** The settings a GitHub App needs; all present, or the integration is off. */
export type GithubAppConfig = Pick<
  TConfig,
  'GITHUB_APP_ID' | 'GITHUB_APP_PRIVATE_KEY' | 'GITHUB_WEBHOOK_SECRET' | 'GITHUB_API_URL'
>;

/**
 * How long one call to GitHub may take before it counts as failed (and is retried). Token minting
 * included, so a webhook that reads the run stays well inside GitHub's 10-second delivery timeout.
 */
const CALL_TIMEOUT_MS = 4000;

/** fetch with a deadline unless the call brings its own signal: auth-app's token requests too. */
const fetchWithDeadline: typeof fetch = (input, init) =>
  fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(CALL_TIMEOUT_MS) });

/** The answer of one REST call: its status and JSON body. */
export interface GithubResponse {
  status: number;
  data: unknown;
}

/** Calls the GitHub REST API as one installation of the App. */
export interface GithubApp {
  /**
   * Calls `route` (`'POST /repos/{owner}/{repo}/…'`) with an installation access token minted (and
   * cached until it nears expiry) by @octokit/auth-app from the App's JWT. Throws on a network error
   * or a non-2xx answer (an @octokit/request-error RequestError carrying `status`).
   */
  call(installationId: number, route: string, parameters?: Record<string, unknown>): Promise<GithubResponse>;
}

const apps = new WeakMap<GithubAppConfig, GithubApp>();

/** Whether the GitHub integration is configured (the config check makes it all three or none). */
export function githubEnabled(config: GithubAppConfig): boolean {
  return (
    config.GITHUB_APP_ID !== undefined &&
    config.GITHUB_APP_PRIVATE_KEY !== undefined &&
    config.GITHUB_WEBHOOK_SECRET !== undefined
  );
}

/**
 * The App client of a configuration, built once per config so its token cache is shared by every
 * job of the process. Null when the integration is off. Tokens and the key never leave it.
 */
export function githubApp(config: GithubAppConfig): GithubApp | null {
  if (config.GITHUB_APP_ID === undefined || config.GITHUB_APP_PRIVATE_KEY === undefined) return null;
  const built = apps.get(config);
  if (built !== undefined) return built;
  const request = octokitRequest.defaults({
    baseUrl: config.GITHUB_API_URL.replace(/\/+$/, ''),
    headers: { 'user-agent': 'Greenlight-GitHub-App/1' },
    request: { fetch: fetchWithDeadline },
  });
  const auth = createAppAuth({ appId: config.GITHUB_APP_ID, privateKey: config.GITHUB_APP_PRIVATE_KEY, request });
  const app: GithubApp = {
    async call(installationId, route, parameters = {}) {
      const { token } = await auth({ type: 'installation', installationId });
      const response = await request(route, {
        ...parameters,
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, data: response.data };
    },
  };
  apps.set(config, app);
  return app;
}
