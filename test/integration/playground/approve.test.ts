import { expect, it } from 'vitest';
import { ANA, RITA, usePlayground } from './support.ts';

const playground = usePlayground();

it('a request from the Service panel appears as a card; Ana approves it, the card updates in place and Rita gets a DM', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  const rita = await pg.open(RITA);
  await rita.getByRole('button', { name: 'Send request' }).click();
  await expect.poll(() => rita.locator('#pg-answer').getAttribute('data-status')).toBe('201');
  expect(await rita.locator('#pg-curl').textContent()).toContain(`Authorization: Bearer ${pg.apiKey}`);

  const card = ana.locator('article.pg-msg').filter({ hasText: 'prod-web' }).first();
  await card.getByRole('button', { name: 'Approve' }).waitFor();
  await pg.shot(ana, 'card-pending');
  const ts = await card.getAttribute('data-ts');
  await card.getByRole('button', { name: 'Approve' }).click();
  // chat.update replaces the card where it was: the same ts, new content, no Approve button.
  const updated = ana.locator(`article.pg-msg[data-ts="${ts}"]`);
  await updated.getByText('Approved: deploy').waitFor();
  expect(await updated.getByRole('button', { name: 'Approve' }).count()).toBe(0);
  expect(await ana.locator('article.pg-msg').filter({ hasText: 'prod-web' }).count()).toBe(1);
  await pg.shot(ana, 'card-approved');

  await rita.locator('[data-go^="D"]').click();
  await rita.locator('#pg-messages').locator('text=/approved/i').first().waitFor();
  // The DM links to the card as a Slack archive URL: the page opens the channel, as Slack's client does.
  await rita.getByRole('link', { name: 'the approval card' }).first().click();
  await rita.locator('#pg-title').getByText('# approvals').waitFor();
}, 120_000);

it('a request from /request-action: the modal opens prefilled, and its submission posts the card', async () => {
  const pg = await playground.start();
  const rita = await pg.open(RITA);
  await rita.locator('#pg-text').fill('/request-action deploy prod-api');
  await rita.locator('#pg-text').press('Enter');
  const modal = rita.locator('.pg-modal');
  await modal.waitFor();
  expect(await modal.getByLabel('Action').inputValue()).toBe('deploy');
  expect(await modal.getByLabel('Resource').inputValue()).toBe('prod-api');
  await modal.getByLabel('Why').fill('Roll out the new rate limits');
  await pg.shot(rita, 'request-modal');
  await modal.getByRole('button', { name: 'Request' }).click();
  await modal.waitFor({ state: 'detached' });
  const card = rita.locator('#pg-messages article.pg-msg').filter({ hasText: 'prod-api' });
  await card.locator('text=Roll out the new rate limits').waitFor();
}, 120_000);
