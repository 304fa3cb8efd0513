import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/** How one POST ended: the receiver's status, or the network error that stopped it. */
export type SendResult = { status: number; durationMs: number } | { error: string; durationMs: number };

/**
 * A `lookup` that answers only with the addresses the guard vetted: the connection goes where the
 * check said it may, even if the name resolves elsewhere by now (DNS rebinding). Handles both forms
 * Node asks for (one address, or `all` for happy-eyeballs).
 */
function pinnedLookup(addresses: ReadonlyArray<{ address: string; family: 4 | 6 }>): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
    const usable = wanted === undefined ? addresses : addresses.filter((a) => a.family === wanted);
    const first = usable[0];
    if (first === undefined) {
      const error: NodeJS.ErrnoException = new Error('no vetted address of the requested family');
      error.code = 'ENOTFOUND';
      callback(error, '', 4);
      return;
    }
    if (options.all)
      callback(
        null,
        usable.map((a): LookupAddress => ({ address: a.address, family: a.family })),
      );
    else callback(null, first.address, first.family);
  };
}

/**
 * Sends `body` to `url` with `method` (callbacks are POSTed, Terraform task results PATCHed),
 * connecting only to `addresses`, within `timeoutMs` (connect to status line). No redirect is
 * followed (a 3xx is just a status), no connection is reused, and the response body is not read:
 * the status is the answer.
 */
export function sendPinned(
  method: 'POST' | 'PATCH',
  url: URL,
  addresses: ReadonlyArray<{ address: string; family: 4 | 6 }>,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const request = transport.request(
      url,
      {
        method,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        lookup: pinnedLookup(addresses),
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        finish({ status: response.statusCode ?? 0, durationMs: elapsed() });
        response.destroy();
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const timedOut = error.name === 'AbortError' || error.code === 'ABORT_ERR';
      finish({ error: timedOut ? 'ETIMEDOUT' : (error.code ?? 'ECONNERROR'), durationMs: elapsed() });
    });
    request.end(body);
  });
}
