/**
 * How a Web API call arrives: `@slack/web-api` posts form-encoded bodies whose object and array
 * arguments are JSON strings (blocks, view, metadata), or JSON. Shared by the Playground's stand-in
 * and the test double (test/support/slack-double.ts), so both read calls the same way.
 */
export function parseWebApiBody(contentType: string, body: string): Record<string, unknown> {
  if (body === '') return {};
  if (contentType.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const trimmed = value.trim();
    if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && key !== 'text') {
      try {
        args[key] = JSON.parse(trimmed);
        continue;
      } catch {
        // not JSON after all: keep the string
      }
    }
    args[key] = value;
  }
  return args;
}

/** The bearer token of a call (or its `token` argument, which is then removed from `args`). */
export function takeToken(authorization: string | undefined, args: Record<string, unknown>): string | undefined {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : (args.token as string | undefined);
  delete args.token;
  return token;
}

/** Like Slack: seconds since the epoch, then a counter that keeps every ts unique and increasing. */
export function messageTs(now: number, counter: number): string {
  return `${Math.floor(now / 1000)}.${String(counter).padStart(6, '0')}`;
}
