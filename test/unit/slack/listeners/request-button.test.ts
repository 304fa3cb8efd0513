import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/errors.ts';
import {
  ACK_BUDGET_MS,
  type ButtonFailure,
  NOT_RECORDED_NOTICE_MS,
  type RecordingFailure,
  recordingButton,
  requestButton,
} from '../../../../src/slack/listeners/actions/request-button.ts';
import type { TBlockActions } from '../../../../src/slack/payloads.ts';

type Args = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockButtonAction>;

const FAILURE: ButtonFailure = {
  log: 'deny',
  refused: (error) => `The Deny form did not open: ${error.message}.`,
  failed: 'Something went wrong opening the Deny form. Please try again.',
};

function press(overrides: Partial<TBlockActions> = {}): TBlockActions {
  return {
    type: 'block_actions',
    user: { id: 'U1' },
    trigger_id: 'T1',
    actions: [{ action_id: 'deny', value: 'req-1' }],
    channel: { id: 'C1' },
    ...overrides,
  };
}

/**
 * Bolt's listener arguments (ack, the Web API client, the logger), faked at the Bolt boundary: each
 * records what it was asked to do, in order, so a test sees what Slack and the log would have seen.
 */
function bolt(options: { slackFails?: boolean } = {}) {
  const events: string[] = [];
  const slack = async (call: string) => {
    events.push(call);
    if (options.slackFails) throw new Error('slack is down');
  };
  const fakes = {
    ack: async () => {
      events.push('ack');
    },
    client: {
      chat: {
        postEphemeral: async (m: { channel: string; user: string; text: string }) =>
          slack(`ephemeral ${m.channel} ${m.user}: ${m.text}`),
        postMessage: async (m: { channel: string; text: string }) => slack(`message ${m.channel}: ${m.text}`),
      },
      conversations: {
        open: async (m: { users: string }) => {
          await slack(`open DM ${m.users}`);
          return { channel: { id: `D-${m.users}` } };
        },
      },
    },
    logger: {
      error: (line: string) => events.push(`log.error ${line}`),
      warn: (line: string) => events.push(`log.warn ${line}`),
    },
  };
  // Only what the frame uses is faked; the rest of Bolt's arguments are never read.
  return { events, args: fakes as unknown as Args };
}

describe('requestButton', () => {
  it('acks before the listener runs, and hands it who pressed where and the value', async () => {
    const { events, args } = bolt();
    const seen: unknown[] = [];
    await requestButton(FAILURE, async ({ user, channel, value }) => {
      events.push('handle');
      seen.push({ user, channel, value });
    })(args, press());
    expect(events).toEqual(['ack', 'handle']);
    expect(seen).toEqual([{ user: 'U1', channel: 'C1', value: 'req-1' }]);
  });

  it('hands an empty value when the button carries none', async () => {
    const { args } = bolt();
    let value: string | undefined;
    await requestButton(FAILURE, async (p) => {
      value = p.value;
    })(args, press({ actions: [{ action_id: 'deny' }] }));
    expect(value).toBe('');
  });

  it('tells a refusal to the presser alone: ephemeral where they pressed, a DM from App Home', async () => {
    const inChannel = bolt();
    await requestButton(FAILURE, ({ tell }) => tell('You may not.'))(inChannel.args, press());
    expect(inChannel.events).toEqual(['ack', 'ephemeral C1 U1: You may not.']);

    const inHome = bolt();
    const { channel: _, ...home } = press({ view: { type: 'home' } });
    await requestButton(FAILURE, ({ tell }) => tell('You may not.'))(inHome.args, home);
    expect(inHome.events).toEqual(['ack', 'open DM U1', 'message D-U1: You may not.']);
  });

  it('tells an AppError by its message through the listener’s text, without logging it', async () => {
    const { events, args } = bolt();
    await requestButton(FAILURE, async () => {
      throw new AppError('busy', 'this request is busy right now');
    })(args, press());
    expect(events).toEqual(['ack', 'ephemeral C1 U1: The Deny form did not open: this request is busy right now.']);
  });

  it('logs any other error with the value (cut to 100 characters) and tells the generic text', async () => {
    const { events, args } = bolt();
    const long = 'r'.repeat(150);
    await requestButton(FAILURE, async () => {
      throw new Error('boom');
    })(args, press({ actions: [{ action_id: 'deny', value: long }] }));
    expect(events).toEqual([
      'ack',
      `log.error deny failed for ${'r'.repeat(100)}: Error: boom`,
      'ephemeral C1 U1: Something went wrong opening the Deny form. Please try again.',
    ]);
  });

  it('treats an AppError like any failure when the listener gives no text for it', async () => {
    const { events, args } = bolt();
    const { refused: _, ...noRefusal } = FAILURE;
    await requestButton(noRefusal, async () => {
      throw new AppError('busy', 'busy');
    })(args, press());
    expect(events).toEqual([
      'ack',
      'log.error deny failed for req-1: AppError: busy',
      'ephemeral C1 U1: Something went wrong opening the Deny form. Please try again.',
    ]);
  });

  it('warns when the presser cannot be told, then runs the after-failure hook', async () => {
    const { events, args } = bolt({ slackFails: true });
    await requestButton(
      {
        ...FAILURE,
        afterFailure: async ({ user }) => {
          events.push(`after ${user}`);
        },
      },
      async () => {
        throw new AppError('not_found', 'gone');
      },
    )(args, press({ channel: { id: 'D1' } }));
    expect(events).toEqual(['ack', 'open DM U1', 'log.warn deny: telling U1 failed: Error: slack is down', 'after U1']);
  });

  it('runs the after-failure hook only on failure', async () => {
    const { events, args } = bolt();
    await requestButton({ ...FAILURE, afterFailure: async () => void events.push('after') }, async () => {})(
      args,
      press(),
    );
    expect(events).toEqual(['ack']);
  });
});

describe('recordingButton', () => {
  const APPROVE: RecordingFailure = {
    log: 'approve',
    refused: (error) => `Your approval was not recorded: ${error.message}.`,
    failed: 'Something went wrong recording your approval. Please try again.',
    notRecorded: 'Your approval is not recorded yet. Please press Approve again.',
  };
  /** Short stand-ins for ACK_BUDGET_MS and NOT_RECORDED_NOTICE_MS, so the slow cases run in a blink. */
  const TIMING = { budgetMs: 40, noticeMs: 80 };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A write that takes `ms`, then commits (pushing 'written') or fails with `error`. */
  function slowWrite(events: string[], ms: number, error?: Error) {
    return async () => {
      await sleep(ms);
      if (error !== undefined) throw error;
      events.push('written');
      return 'vote-1';
    };
  }
  const respondInto = (events: string[]) => async (_: unknown, recorded: string) =>
    void events.push(`respond ${recorded}`);

  it('budgets the ack well inside Slack’s 3 s, and owns up to a slow write within a few seconds more', () => {
    expect(ACK_BUDGET_MS).toBeLessThanOrEqual(2_000);
    expect(ACK_BUDGET_MS + NOT_RECORDED_NOTICE_MS).toBeLessThanOrEqual(6_000);
  });

  it('writes before it acks when the write fits the budget, and responds after the ack', async () => {
    const { events, args } = bolt();
    await recordingButton(
      APPROVE,
      { record: slowWrite(events, 5), respond: respondInto(events) },
      TIMING,
    )(args, press());
    expect(events).toEqual(['written', 'ack', 'respond vote-1']);
  });

  it('acks at the budget when the write is slower, and still responds once it commits', async () => {
    const { events, args } = bolt();
    const startedAt = performance.now();
    let ackedAfter = Number.NaN;
    const fakes = args as unknown as { ack: () => Promise<void> };
    const ack = fakes.ack;
    fakes.ack = async () => {
      ackedAfter = performance.now() - startedAt;
      await ack();
    };
    await recordingButton(
      APPROVE,
      { record: slowWrite(events, 70), respond: respondInto(events) },
      TIMING,
    )(args, press());
    expect(events).toEqual([
      'ack',
      'log.warn approve: not recorded within 40 ms for req-1; acked anyway',
      'written',
      'respond vote-1',
    ]);
    // The timer fires no earlier than the budget; the write (70 ms) had not committed when it did.
    expect(ackedAfter).toBeGreaterThanOrEqual(39);
  });

  it('tells the presser their vote is not recorded when the write fails after the ack', async () => {
    const { events, args } = bolt();
    await recordingButton(
      APPROVE,
      { record: slowWrite(events, 60, new Error('connection terminated')), respond: respondInto(events) },
      TIMING,
    )(args, press());
    expect(events).toEqual([
      'ack',
      'log.warn approve: not recorded within 40 ms for req-1; acked anyway',
      'log.error approve failed for req-1: Error: connection terminated',
      'ephemeral C1 U1: Something went wrong recording your approval. Please try again.',
    ]);
  });

  it('tells the presser when the write has not committed a few seconds after the ack — and never that it counts', async () => {
    const { events, args } = bolt();
    await recordingButton(
      APPROVE,
      { record: slowWrite(events, 200), respond: respondInto(events) },
      TIMING,
    )(args, press());
    expect(events).toEqual([
      'ack',
      'log.warn approve: not recorded within 40 ms for req-1; acked anyway',
      'ephemeral C1 U1: Your approval is not recorded yet. Please press Approve again.',
      // It committed after all: only now is the presser told what it did.
      'written',
      'respond vote-1',
    ]);
  });

  it('explains a refused write after acking, without logging it', async () => {
    const { events, args } = bolt();
    await recordingButton(
      APPROVE,
      {
        record: slowWrite(events, 1, new AppError('busy', 'this request is busy right now')),
        respond: respondInto(events),
      },
      TIMING,
    )(args, press());
    expect(events).toEqual(['ack', 'ephemeral C1 U1: Your approval was not recorded: this request is busy right now.']);
  });
});
