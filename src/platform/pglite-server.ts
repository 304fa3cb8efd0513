import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/** Startup-phase request codes (a length and a code, no type byte). */
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** ReadyForQuery: 'Z', length 5, then the transaction status ('I' idle, 'T' in a transaction, 'E' failed). */
const READY_FOR_QUERY = 0x5a;
const IDLE = 0x49;
const TERMINATE = 0x58;
/** A Sync message: ends an extended-protocol exchange a client left half done. */
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);

/**
 * PGlite is one PostgreSQL session. Every client connection shares its unnamed statement, its portal
 * and its transaction, so one client must own the session from its first message until the session
 * is clean again — ReadyForQuery with status idle — or its Bind lands on another client's Parse
 * (pglite-socket queues single messages, which is what corrupted bursts: electric-sql/pglite#1046).
 * This gate hands the session to one connection at a time; the others wait, in arrival order.
 */
class SessionGate {
  private owner: object | null = null;
  private readonly waiting: Array<() => void> = [];

  async acquire(connection: object): Promise<void> {
    while (this.owner !== null && this.owner !== connection) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.owner = connection;
  }

  holds(connection: object): boolean {
    return this.owner === connection;
  }

  release(connection: object): void {
    if (this.owner !== connection) return;
    this.owner = null;
    this.waiting.shift()?.();
  }
}

/** The length of the first complete message in `buffer` (startup messages have no type byte), or 0. */
function completeMessageLength(buffer: Buffer, started: boolean): number {
  if (!started) {
    if (buffer.length < 4) return 0;
    const length = buffer.readInt32BE(0);
    return buffer.length >= length ? length : 0;
  }
  if (buffer.length < 5) return 0;
  const length = 1 + buffer.readInt32BE(1);
  return buffer.length >= length ? length : 0;
}

export interface PgliteServer {
  /** `host:port` to put in a postgresql:// URL. */
  address: string;
  /** Stops accepting, closes every client connection and waits for the session to be handed back. */
  close(): Promise<void>;
}

/**
 * Serves a PGlite database on a loopback TCP port speaking the PostgreSQL wire protocol, one client
 * session at a time (see SessionGate): any number of connections may be open, and each sees the
 * database as if it were alone, which is what node-postgres pools and Prisma assume.
 */
export async function servePglite(db: PGlite, host = '127.0.0.1'): Promise<PgliteServer> {
  const gate = new SessionGate();
  const sockets = new Set<Socket>();
  const sessions = new Set<Promise<void>>();

  const serve = (socket: Socket) => {
    const connection = {};
    let buffer = Buffer.alloc(0);
    let started = false;
    let closed = false;
    let work: Promise<void> = Promise.resolve();
    socket.setNoDelay(true);
    sockets.add(socket);

    /** Runs one message on the session; true when the session is idle again afterwards. */
    const run = async (message: Uint8Array): Promise<boolean> => {
      let tail: Uint8Array = new Uint8Array(0);
      await db.runExclusive(() =>
        db.execProtocolRawStream(message, {
          onRawData: (data) => {
            if (data.length === 0) return;
            tail = data.length >= 6 ? data.subarray(data.length - 6) : Uint8Array.from([...tail, ...data]).slice(-6);
            if (!socket.destroyed) socket.write(Buffer.from(data));
          },
        }),
      );
      return tail.length === 6 && tail[0] === READY_FOR_QUERY && tail[4] === 5 && tail[5] === IDLE;
    };

    const drain = async () => {
      for (;;) {
        if (closed) return;
        if (!started && buffer.length >= 8) {
          const code = buffer.readInt32BE(4);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            // No encryption on loopback: 'N' tells the client to go on in the clear.
            buffer = buffer.subarray(8);
            socket.write('N');
            continue;
          }
          if (code === CANCEL_REQUEST) {
            // PGlite has no backend to signal; the protocol expects no answer.
            socket.end();
            return;
          }
          if (code !== PROTOCOL_3) {
            socket.destroy();
            return;
          }
        }
        const length = completeMessageLength(buffer, started);
        if (length === 0) return;
        const message = new Uint8Array(buffer.subarray(0, length));
        buffer = buffer.subarray(length);
        if (started && message[0] === TERMINATE) {
          socket.end();
          return;
        }
        started = true;
        await gate.acquire(connection);
        if (await run(message)) gate.release(connection);
      }
    };

    /** A client that leaves mid-exchange or mid-transaction must not leave that state to the next one. */
    const hangUp = async () => {
      if (closed) return;
      closed = true;
      sockets.delete(socket);
      await work.catch(() => {});
      if (!gate.holds(connection)) return;
      try {
        await db.runExclusive(() => db.execProtocolRaw(SYNC));
        if (db.isInTransaction()) await db.exec('ROLLBACK');
      } finally {
        gate.release(connection);
      }
    };

    socket.on('data', (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      work = work.then(drain).catch(() => {
        socket.destroy();
      });
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      const session = hangUp().catch(() => {});
      sessions.add(session);
      void session.finally(() => sessions.delete(session));
    });
  };

  const server: Server = createServer(serve);
  server.listen(0, host);
  await once(server, 'listening');
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
  return {
    address: `${host}:${port}`,
    async close() {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closing;
      await Promise.allSettled([...sessions]);
    },
  };
}
