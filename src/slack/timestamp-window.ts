import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/** Slack's replay window: a request signed further than this from now, either way, is refused. */
export const SLACK_TIMESTAMP_WINDOW_SECONDS = 5 * 60;

/**
 * Refuses (401, as Bolt refuses a bad signature, and logged) a Slack request whose
 * `X-Slack-Request-Timestamp` is more than five minutes from now in either direction. Bolt's
 * receivers only refuse timestamps in the past, so a request signed for ten minutes ahead — captured
 * or forged with a leaked secret and held back — would be accepted until then; Slack's own guidance is
 * an absolute difference. A missing or malformed timestamp is left to Bolt, which refuses it.
 * Mounted on the Slack endpoint before the receiver that checks the signature.
 */
export function refuseOutsideSlackWindow(logger: Logger, now: () => number = Date.now): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const raw = req.get('x-slack-request-timestamp');
    const timestamp = raw === undefined || !/^\d{1,12}$/.test(raw) ? Number.NaN : Number(raw);
    const skew = timestamp - Math.floor(now() / 1000);
    if (Math.abs(skew) > SLACK_TIMESTAMP_WINDOW_SECONDS) {
      logger.warn(
        { path: req.path, skewSeconds: skew },
        `slack request refused: timestamp ${skew > 0 ? 'ahead of' : 'behind'} now by more than five minutes`,
      );
      res.status(401).send();
      return;
    }
    next();
  };
}
