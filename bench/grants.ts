/**
 * Grant throughput, in this process against a database of its own: how many grants per second the
 * service signs (the signing key read once, as the service caches it) and how many a service can
 * verify offline per second with jose against the published JWKS — with a bare baseline in the same
 * run: jose signing and verifying the same claims with a raw Ed25519 key, no key ring, no database.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { createDb } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { createGrants, type GrantSubject } from '../src/services/grants/grants.ts';
import { createGrantKeys } from '../src/services/grants/keys.ts';
import { createSecretBox } from '../src/services/grants/secret-box.ts';
import { createTestDatabase } from '../test/support/database.ts';

const ISSUER = 'https://greenlight.bench';
const N = 5000;

function subject(): GrantSubject {
  const now = new Date();
  return {
    requestId: randomUUID(),
    audience: 'bench',
    action: 'db.drop_table',
    resource: 'prod/customers',
    environment: 'production',
    paramsHash: 'a'.repeat(64),
    requester: 'U0BENCHREQ',
    approvedBy: ['U0BAPPR000'],
    rule: 'Production databases',
    approvedAt: now,
    expiresAt: new Date(now.getTime() + 900_000),
  };
}

async function perSecond(n: number, work: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i += 1) await work(i);
  return Math.round((n / (performance.now() - started)) * 1000);
}

export interface GrantFigures {
  issuePerSecond: number;
  verifyPerSecond: number;
  bareSignPerSecond: number;
  bareVerifyPerSecond: number;
}

export async function measureGrants(): Promise<GrantFigures> {
  const database = await createTestDatabase();
  const db = createDb({ url: database.url, poolSize: 2 });
  try {
    await migrate({ url: database.url, log: () => {} });
    const keys = createGrantKeys({
      db,
      box: createSecretBox(Buffer.alloc(32, 1)),
      rotationDays: 30,
      now: () => new Date(),
    });
    const grants = createGrants({ keys, issuer: ISSUER, now: () => new Date() });
    const tokens: string[] = [];
    await grants.issue(subject()); // the first call reads (creates) the key
    const jwks = createLocalJWKSet(await keys.jwks());
    const issuePerSecond = await perSecond(N, async () => tokens.push((await grants.issue(subject())).token));
    const verifyPerSecond = await perSecond(N, (i) =>
      jwtVerify(tokens[i] as string, jwks, { issuer: ISSUER, typ: 'greenlight-grant+jwt', algorithms: ['EdDSA'] }),
    );

    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const bare: string[] = [];
    const bareSignPerSecond = await perSecond(N, async () => {
      const s = subject();
      bare.push(
        await new SignJWT({ action: s.action, resource: s.resource })
          .setProtectedHeader({ alg: 'EdDSA' })
          .setSubject(s.requestId)
          .setExpirationTime('15m')
          .sign(privateKey),
      );
    });
    const bareVerifyPerSecond = await perSecond(N, (i) => jwtVerify(bare[i] as string, publicKey));
    return { issuePerSecond, verifyPerSecond, bareSignPerSecond, bareVerifyPerSecond };
  } finally {
    await db.$disconnect();
    await database.drop();
  }
}
