import { type Browser, chromium } from 'playwright-core';

/**
 * The browser the page tests drive: Debian's Chromium (`apt-get install chromium`; `.ci/run` installs
 * it) through playwright-core, which downloads nothing. `CHROMIUM_PATH` points at another Chromium
 * (e.g. a macOS install); root needs `--no-sandbox`.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}
