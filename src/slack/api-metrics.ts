import type { Metrics } from '../platform/metrics.ts';

/** A Slack Web API method name as it appears at the end of the URL (`chat.postMessage`). */
const METHOD = /\/([a-zA-Z]+(?:\.[a-zA-Z]+)+)$/;
/** Slack's error codes are snake_case words; anything else is counted as `other`. */
const ERROR_CODE = /^[a-z0-9_]{1,64}$/;

function methodOf(input: Parameters<typeof fetch>[0]): string {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  try {
    return METHOD.exec(new URL(url).pathname)?.[1] ?? 'other';
  } catch {
    return 'other';
  }
}

/** The error a Slack answer carries: `none` for ok, Slack's code, `ratelimited` for a 429, `http_<status>`. */
async function errorOf(response: Response): Promise<string> {
  if (response.status === 429) return 'ratelimited';
  if (response.status !== 200) return `http_${response.status}`;
  if (!(response.headers.get('content-type') ?? '').includes('application/json')) return 'none';
  try {
    const body = (await response.clone().json()) as { ok?: unknown; error?: unknown };
    if (body.ok !== false) return 'none';
    return typeof body.error === 'string' && ERROR_CODE.test(body.error) ? body.error : 'other';
  } catch {
    return 'unreadable_body';
  }
}

/**
 * The `fetch` every Slack WebClient of the app is built with (Bolt's, the jobs', Socket Mode's):
 * counts each HTTP call to the Web API in `greenlight_slack_api_calls_total` by method and error,
 * retries included — so a 429 is counted however the caller then handles it. The answer is handed
 * on untouched (its body is read from a clone).
 */
export function countingFetch(metrics: Pick<Metrics, 'slackApiCalls'>, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const method = methodOf(input);
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      metrics.slackApiCalls.inc({ method, error: timedOut ? 'timeout' : 'request_failed' });
      throw error;
    }
    metrics.slackApiCalls.inc({ method, error: await errorOf(response) });
    return response;
  };
}
