import { it } from 'vitest';
import { ANA, usePlayground } from './support.ts';

const playground = usePlayground();

it('a question on a card lands in its thread, opened beside the channel', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  await pg.request({ action: 'deploy', resource: 'prod-queue', reason: 'Scale' });
  const card = ana.locator('#pg-messages article.pg-msg').filter({ hasText: 'prod-queue' }).first();
  await card.getByRole('button', { name: 'Ask a question' }).click();
  const modal = ana.locator('.pg-modal');
  await modal.getByLabel('Question', { exact: true }).fill('Which region first?');
  await modal.locator('.bk-modal-submit').click();
  await modal.waitFor({ state: 'detached' });
  await card.locator('[data-open-thread]').click();
  await ana.locator('#pg-thread').getByText('Which region first?').first().waitFor();
}, 120_000);
