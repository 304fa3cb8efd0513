import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCoveringApproval, type StandingScope } from '../../../src/services/standing/standing-approvals.ts';
import { useTestApp } from '../../support/use-test-app.ts';

const REQUESTER = 'U0REQUEST1';
const ANA = 'U0ANA00001';
const BOB = 'U0BOB00001';

/** Which standing approvals cover a new request: the scope, the clock, revocation and separation of duties, on PostgreSQL. */
describe('findCoveringApproval', () => {
  const t = useTestApp();
  const now = new Date('2026-12-07T10:00:00Z');
  let scope: StandingScope;

  beforeAll(async () => {
    scope = {
      apiClientId: randomUUID(),
      requesterSlackId: REQUESTER,
      action: 'mcp.fs.write_file',
      resource: '/srv/a.txt',
      environment: null,
      argumentsSha256: 'a'.repeat(64),
    };
  });

  const give = (fields: Partial<StandingScope> & { approvedBy: string; expiresAt?: Date; revokedAt?: Date | null }) =>
    t.app.db.standingApproval.create({
      data: {
        ...scope,
        requestId: randomUUID(),
        createdAt: now,
        expiresAt: new Date(now.getTime() + 15 * 60_000),
        ...fields,
      },
    });
  const clear = () => t.app.db.standingApproval.deleteMany({});

  it('covers the same scope while it lasts, given by a routed approver', async () => {
    await clear();
    const given = await give({ approvedBy: ANA });
    expect((await findCoveringApproval(t.app.db, scope, [ANA, BOB], now))?.id).toBe(given.id);
    expect(await findCoveringApproval(t.app.db, scope, [ANA], new Date(now.getTime() + 15 * 60_000))).toBeNull();
  });

  it('covers nothing else: other arguments, resource, requester, environment, action', async () => {
    await clear();
    await give({ approvedBy: ANA });
    for (const other of [
      { argumentsSha256: 'b'.repeat(64) },
      { resource: '/srv/b.txt' },
      { requesterSlackId: BOB },
      { environment: 'production' },
      { action: 'mcp.fs.move_file' },
    ]) {
      expect(
        await findCoveringApproval(t.app.db, { ...scope, ...other }, [ANA], now),
        JSON.stringify(other),
      ).toBeNull();
    }
  });

  it('stops covering once revoked, when its approver is no longer routed, and never for its approver’s own requests', async () => {
    await clear();
    await give({ approvedBy: ANA, revokedAt: now });
    expect(await findCoveringApproval(t.app.db, scope, [ANA], now)).toBeNull();
    await clear();
    await give({ approvedBy: ANA });
    expect(await findCoveringApproval(t.app.db, scope, [BOB], now)).toBeNull();
    await clear();
    await give({ approvedBy: REQUESTER });
    expect(await findCoveringApproval(t.app.db, scope, [REQUESTER, ANA], now)).toBeNull();
  });
});
