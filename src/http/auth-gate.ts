import type { Request, Response } from 'express';
import { AppError } from '../errors.ts';
import { type ClientLimits, retryAfterSeconds, type WebhookSource } from './rate-limits.ts';

/** Why an address past its failed-authentication limit is refused. */
export const SHUT_OUT = 'too many failed authentications from this address';

/**
 * The client's address: the TCP peer's, or what the proxies TRUST_PROXY names say it is (Express's
 * `trust proxy`). Every per-address limit and `auth.refused` row counts by it.
 */
export function clientAddress(req: Request): string {
  return req.ip ?? 'unknown';
}

/** A `429 rate_limited` with `Retry-After` for a wait of `waitMs`; `what` says which limit. */
export function rateLimited(res: Response, waitMs: number, what: string): AppError {
  const seconds = retryAfterSeconds(waitMs);
  res.setHeader('retry-after', String(seconds));
  return new AppError('rate_limited', `${what}; retry after ${seconds} s`);
}

/**
 * Throws the 429 when `address` is shut out for failing authentication too often. Ask it only for
 * callers not known to be authentic: a valid key or signature never waits for others' failures.
 */
export async function refuseIfShutOut(limits: ClientLimits, address: string, res: Response): Promise<void> {
  const blockedFor = await limits.refuseIfBlocked(address);
  if (blockedFor !== null) throw rateLimited(res, blockedFor, SHUT_OUT);
}

/**
 * The authentication of a webhook endpoint, once its signature was checked (`valid`): a signed
 * delivery goes on, whatever its address failed before, within the address's delivery budget at
 * that endpoint (RATE_LIMIT_WEBHOOKS_PER_MINUTE); an unsigned or forged one is a failed
 * authentication like a wrong API key — 429 while its address is shut out, else counted and
 * answered 401 `refusal` (429 if it was the one that crossed the limit).
 */
export async function requireSignedDelivery(
  limits: ClientLimits,
  source: WebhookSource,
  req: Request,
  res: Response,
  valid: boolean,
  refusal: string,
): Promise<void> {
  const address = clientAddress(req);
  if (!valid) {
    await refuseIfShutOut(limits, address, res);
    const blockedNow = await limits.countAuthFailure(address);
    if (blockedNow !== null) throw rateLimited(res, blockedNow, SHUT_OUT);
    throw new AppError('unauthorized', refusal);
  }
  const overBudgetFor = await limits.countDelivery(source, address);
  if (overBudgetFor !== null) throw rateLimited(res, overBudgetFor, 'too many deliveries from this address');
}
