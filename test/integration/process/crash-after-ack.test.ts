import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../support/database.ts';
import { SIGNING_SECRET } from '../../support/harness.ts';
import { freePort, waitForStatus } from '../../support/process.ts';
import { REDIS_URL } from '../../support/run.ts';
import { useServiceProcesses } from '../../support/service-processes.ts';
import { SlackDouble } from '../../support/slack-double.ts';
import { SlackSender } from '../../support/slack-requests.ts';

const CHANNEL = 'C0APPROVAL';
const REQUESTER = 'U0REQUEST1';
const API_KEY = 'ci-crash-after-ack-0123456789';
/** As in the report: 20 Approve clicks in a burst, here each by its own approver on its own request. */
const CLICKS = 20;
const APPROVERS = Array.from({ length: CLICKS }, (_, i) => `U0CRASH${String(i).padStart(3, '0')}`);

/**
 * A process killed (SIGKILL, no shutdown) while the acks of a burst of Approve clicks come back: a
 * press Slack saw acknowledged must have its vote in PostgreSQL after a restart, or its presser must
 * have been told it was not recorded. Acking first and writing after lost such votes silently.
 */
describe('Approve clicks acked just before a crash', () => {
  const services = useServiceProcesses();
  let slack: SlackDouble;
  beforeAll(async () => {
    slack = await SlackDouble.start();
    slack.addChannel(CHANNEL);
    slack.addUser({ id: REQUESTER, name: 'rita' });
    for (const id of APPROVERS) slack.addUser({ id, name: id.toLowerCase() });
  });
  afterAll(async () => {
    await slack.close();
  });

  it('keeps the vote of every acked click through a SIGKILL (or tells its presser it was not recorded)', async () => {
    const database = await services.database();
    const env = {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      REDIS_URL,
      DATABASE_URL: database.url,
      // The restart must find the key the first run generated for the grants it signed.
      DATA_DIR: await services.dataDir(),
      APPROVAL_CHANNEL: CHANNEL,
      APPROVERS: APPROVERS.join(','),
      SERVICE_API_KEYS: `ci:${API_KEY}`,
    };
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const service = await services.run({ ...env, PORT: String(port) });
    await waitForStatus(`${base}/readyz`, 200, 60_000);

    const headers = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };
    const ids = await Promise.all(
      Array.from({ length: CLICKS }, async (_, n) => {
        const created = await fetch(`${base}/api/v1/requests`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            action: 'db.migrate',
            resource: `prod/db-${n}`,
            reason: 'release 42',
            requester: { slackUserId: REQUESTER },
          }),
        });
        expect(created.status).toBe(201);
        return ((await created.json()) as { id: string }).id;
      }),
    );

    // The burst: every click at once; the process is killed the moment the first ack arrives, while
    // the others' acks are still coming back (nothing here waits on time).
    const sender = new SlackSender(base, SIGNING_SECRET);
    const acked: string[] = [];
    const clicks = ids.map(async (requestId, i) => {
      const approver = APPROVERS[i] as string;
      try {
        const response = await sender.blockAction({
          user_id: approver,
          action_id: 'approve_request',
          value: requestId,
          channel_id: CHANNEL,
          message_ts: `1700000000.${String(i).padStart(6, '0')}`,
          block_id: 'decision',
        });
        if (response.status !== 200) return;
        acked.push(approver);
        if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
      } catch {
        // The connection died with the process: Slack saw no ack, and would show the presser an error.
      }
    });
    await Promise.all(clicks);
    expect((await service.exited).signal).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThan(0);

    // Restarted on the same database, it is whole again; what it kept is what PostgreSQL has.
    const restartPort = await freePort();
    const restarted = await services.run({ ...env, PORT: String(restartPort) });
    await waitForStatus(`http://127.0.0.1:${restartPort}/readyz`, 200, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${restarted.output()}`);
    });
    const votes = await query<{ voter_id: string }>(
      database.url,
      `SELECT voter_id FROM votes WHERE decision = 'approve'`,
    );
    const voted = new Set(votes.map((vote) => vote.voter_id));
    const toldNotRecorded = new Set(
      slack
        .callsOf('chat.postEphemeral')
        .filter((call) => /not recorded/.test(String(call.args.text)))
        .map((call) => String(call.args.user)),
    );
    const lost = acked.filter((approver) => !voted.has(approver) && !toldNotRecorded.has(approver));
    expect(lost, `${lost.length} of ${acked.length} acked clicks lost without a word`).toEqual([]);
  }, 180_000);
});
