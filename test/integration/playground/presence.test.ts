import { expect, it } from 'vitest';
import { ANA, OMAR, usePlayground } from './support.ts';

const playground = usePlayground();

it('Do not disturb, then Away, as Ana: Omar is DM’d about each new request at once, Ana is told later', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  const omar = await pg.open(OMAR);
  for (const [toggle, resource] of [
    ['Do not disturb', 'prod-ledger'],
    ['Away', 'prod-payroll'],
  ] as const) {
    // One of the two at a time: the other is cleared first.
    for (const other of ['Do not disturb', 'Away']) await ana.getByLabel(other).setChecked(other === toggle);
    await expect.poll(() => ana.getByLabel(toggle).isChecked()).toBe(true);
    await pg.request({ action: 'deploy', resource });
    const card = ana.locator('article.pg-msg').filter({ hasText: resource }).first();
    await card.getByText('Away or in Do Not Disturb, told later: @Ana').waitFor();
    // Omar, available, gets the approver DM now; Ana, unavailable, does not.
    await omar.locator('[data-go^="D"]').click();
    await omar.locator('#pg-messages article.pg-msg').filter({ hasText: resource }).first().waitFor();
    await ana.locator('[data-go^="D"]').click();
    await ana.locator('#pg-title').getByText('Greenlight (direct message)').waitFor();
    expect(await ana.locator('#pg-messages article.pg-msg').filter({ hasText: resource }).count()).toBe(0);
    await pg.shot(ana, `presence-${toggle === 'Away' ? 'away' : 'dnd'}`);
    for (const page of [ana, omar]) await page.locator('[data-go="C0APPROVAL"]').click();
  }
}, 120_000);
