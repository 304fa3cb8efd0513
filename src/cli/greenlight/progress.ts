import { createSpinner, type Spinner } from 'nanospinner';
import type { RequestJson } from '../../client/index.ts';
import { formatDuration } from './duration.ts';
import type { Io } from './io.ts';

/** Shows that the CLI is waiting for a decision; `stop` clears the spinner before the outcome is printed. */
export interface Progress {
  update(request: RequestJson): void;
  stop(): void;
}

/** How often a non-interactive run prints a waiting line (CI logs want a sign of life, not a flood). */
const LINE_EVERY_MS = 30_000;
const SPIN_TEXT_EVERY_MS = 1000;

/**
 * Where the card is: a Slack archive link (Slack redirects it to the workspace) once the card is
 * posted, else the channel id.
 */
export function cardLink(request: RequestJson): string {
  const { channel, messageTs } = request.slack;
  if (messageTs === null) return `being posted to Slack channel ${channel}`;
  return `https://slack.com/archives/${channel}/p${messageTs.replace('.', '')}`;
}

/** One progress line; the spinner leaves the id out (the line above it names it) to fit a terminal. */
function describe(request: RequestJson, deadline: number, withId = true): string {
  const approvals = request.votes.filter((vote) => vote.decision === 'approve').length;
  return [
    withId ? `waiting for approval of ${request.id}` : 'waiting for approval',
    `${approvals} of ${request.route.requiredApprovals} approval(s)`,
    `${formatDuration(deadline - Date.now())} left`,
    `card ${cardLink(request)}`,
  ].join(' · ');
}

/**
 * Progress on stderr until a decision: a spinner with the time left on a terminal, else a
 * timestamped line now, every 30 s and whenever a vote comes or the card's link is known. The time left is until the
 * request expires or `waitUntil` (the `--wait` limit), whichever comes first.
 */
export function startProgress(io: Io, first: RequestJson, waitUntil: number | null): Progress {
  let request = first;
  const deadline = () => Math.min(new Date(request.expiresAt).getTime(), waitUntil ?? Number.POSITIVE_INFINITY);
  if (io.interactive) {
    const spinner: Spinner = createSpinner(describe(request, deadline(), false), {
      stream: io.stderr as NodeJS.WriteStream,
    });
    // loop(), not start(): start() installs SIGINT/SIGTERM handlers that exit at once, before the
    // CLI has cancelled the request it is waiting on.
    spinner.loop();
    const timer = setInterval(() => spinner.update({ text: describe(request, deadline(), false) }), SPIN_TEXT_EVERY_MS);
    timer.unref();
    return {
      update(next) {
        request = next;
        spinner.update({ text: describe(request, deadline(), false) });
      },
      stop() {
        clearInterval(timer);
        // With no text, stop() clears the spinner's line and shows the cursor again.
        spinner.stop();
      },
    };
  }
  const news = (r: RequestJson) => `${r.votes.length} ${cardLink(r)}`;
  let told = news(request);
  const line = () => io.stderr.write(`${new Date().toISOString()} greenlight: ${describe(request, deadline())}\n`);
  line();
  const timer = setInterval(line, LINE_EVERY_MS);
  timer.unref();
  return {
    update(next) {
      request = next;
      // A vote or the card's link is worth a line at once; otherwise the 30 s rhythm holds.
      if (news(next) !== told && next.status === 'pending') line();
      told = news(next);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
