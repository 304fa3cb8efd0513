import { once } from 'node:events';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackOnly } from '../../../src/playground/routes.ts';

/** The first address of this machine that is not loopback (a container's eth0), if it has one. */
function outsideAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const address of list ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

describe('loopbackOnly (the Playground answers this machine only)', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    const app = express();
    app.use('/playground', loopbackOnly);
    app.get('/playground', (_req, res) => {
      res.json({ ok: true });
    });
    server = app.listen(0, '0.0.0.0');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  /** A GET over node:http, which sends the Host header it is given (fetch sends its own). */
  const get = (address: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number }>((resolve, reject) => {
      request({ host: address, port, path: '/playground', headers }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      })
        .on('error', reject)
        .end();
    });

  it('answers a browser on this machine at localhost or 127.0.0.1', async () => {
    expect((await get('127.0.0.1')).status).toBe(200);
    expect((await get('127.0.0.1', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('refuses a request a reverse proxy forwarded to 127.0.0.1, even when the proxy sends Host: 127.0.0.1', async () => {
    // nginx `proxy_pass http://127.0.0.1:PORT` sends Host 127.0.0.1:PORT unless told otherwise.
    for (const header of ['x-forwarded-for', 'x-real-ip', 'forwarded', 'x-forwarded-host']) {
      const res = await get('127.0.0.1', { [header]: header === 'forwarded' ? 'for=203.0.113.9' : '203.0.113.9' });
      expect(res.status, header).toBe(403);
    }
  });

  it('refuses a peer that is not loopback, whatever Host it names', async (context) => {
    const outside = outsideAddress();
    if (outside === undefined) context.skip();
    // Connecting to this machine's own outside address: the peer is that address, not loopback.
    const res = await get(outside as string, { host: `127.0.0.1:${port}` });
    expect(res.status).toBe(403);
  });
});
