/**
 * How callback deliveries pace themselves. Production uses DEFAULT_CALLBACK_TIMING; tests shorten it
 * through BuildOptions, so a retry test waits milliseconds, not minutes.
 */
export interface CallbackTiming {
  /** The wait after the first failed attempt; each later wait doubles, up to `retryCapMs`. */
  retryBaseMs: number;
  /** The longest wait between two attempts. */
  retryCapMs: number;
  /** How long one attempt may take, from connecting to the response's status line. */
  attemptTimeoutMs: number;
}

/**
 * Where one attempt of a retried delivery (a callback, a Terraform result, a GitHub report) stands,
 * as the job running it knows it.
 */
export interface RetriedAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  /** No retry follows this attempt, whatever happens. */
  last: boolean;
}

/** Whether a delivery is over (delivered, stopped, refused, skipped) or should be tried again, and why. */
export type DeliveryOutcome = { done: true } | { done: false; why: string };

/** The outcome of a delivery that is over. */
export const DELIVERY_DONE: DeliveryOutcome = { done: true };

/** 10 s, 20 s, 40 s … doubling to one hour, then hourly; each attempt bounded to 10 s. */
export const DEFAULT_CALLBACK_TIMING: CallbackTiming = {
  retryBaseMs: 10_000,
  retryCapMs: 3_600_000,
  attemptTimeoutMs: 10_000,
};

/** Up to this fraction of a wait is added at random, so receivers coming back are not hit in lockstep. */
export const RETRY_JITTER = 0.1;

/** How long a failing receiver keeps being retried, at least. */
export const RETRY_WINDOW_MS = 24 * 3600 * 1000;

/** The wait before attempt `failed + 1`, without jitter (`failed` ≥ 1 attempts have failed so far). */
export function nominalRetryDelayMs(failed: number, timing: CallbackTiming): number {
  const doublings = Math.min(Math.max(failed - 1, 0), 40);
  return Math.min(timing.retryBaseMs * 2 ** doublings, timing.retryCapMs);
}

/** The wait before the next attempt: the nominal wait plus up to RETRY_JITTER of it, at random. */
export function retryDelayMs(failed: number, timing: CallbackTiming, random: () => number = Math.random): number {
  const nominal = nominalRetryDelayMs(failed, timing);
  return Math.round(nominal * (1 + RETRY_JITTER * random()));
}

/**
 * The number of attempts whose waits (without jitter, which only lengthens them) add up to at least
 * `windowMs`: the retry schedule is computed, never guessed.
 */
export function attemptsCovering(windowMs: number, timing: CallbackTiming): number {
  let waited = 0;
  let attempts = 1;
  while (waited < windowMs) {
    waited += nominalRetryDelayMs(attempts, timing);
    attempts += 1;
  }
  return attempts;
}

/** Attempts per delivery: the first, then retries covering RETRY_WINDOW_MS on the default schedule. */
export const CALLBACK_ATTEMPTS = attemptsCovering(RETRY_WINDOW_MS, DEFAULT_CALLBACK_TIMING);
