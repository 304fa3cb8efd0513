import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { RITA, usePlayground } from './support.ts';

const playground = usePlayground();

/** Presses Tab until the focused element matches `selector` (at most `limit` times); fails if it never does. */
async function tabTo(page: Page, selector: string, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i += 1) {
    if ((await page.locator(`:is(${selector}):focus`).count()) > 0) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

const focusedIn = async (page: Page, selector: string) => (await page.locator(`${selector} :focus`).count()) > 0;

it('keyboard only: Tab to the message box, open the request modal, Escape closes it and focus comes back, Enter submits', async () => {
  const pg = await playground.start();
  const rita = await pg.open(RITA);
  await tabTo(rita, '#pg-text');
  await rita.keyboard.type('/request-action deploy prod-api');
  await rita.keyboard.press('Enter');
  const modal = rita.locator('.pg-modal');
  await modal.waitFor();
  // The modal takes the focus; Escape closes it (view_closed) and gives the focus back.
  await expect.poll(() => focusedIn(rita, '.pg-modal')).toBe(true);
  await rita.keyboard.press('Escape');
  await modal.waitFor({ state: 'detached' });
  await expect.poll(() => rita.locator('#pg-text:focus').count()).toBe(1);

  // The command went through, so the box was emptied: type it again.
  await rita.keyboard.type('/request-action deploy prod-api');
  await rita.keyboard.press('Enter');
  await modal.waitFor();
  await expect.poll(() => focusedIn(rita, '.pg-modal')).toBe(true);
  await tabTo(rita, `#${await modal.getByLabel('Why').getAttribute('id')}`);
  await rita.keyboard.type('Roll out the new rate limits');
  await tabTo(rita, '.pg-modal .bk-modal-submit');
  await pg.shot(rita, 'keyboard-submit');
  await rita.keyboard.press('Enter');
  await modal.waitFor({ state: 'detached' });
  await rita.locator('#pg-messages article.pg-msg').filter({ hasText: 'Roll out the new rate limits' }).waitFor();
}, 120_000);
