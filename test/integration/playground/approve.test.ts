import { expect, it } from 'vitest';
import { ANA, RITA, usePlayground } from './support.ts';

const playground = usePlayground();

it('a request from the Service panel appears as a card; Ana approves it, the card updates in place and Rita gets a DM', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  const rita = await pg.open(RITA);
  await rita.getByRole('button', { name: 'Send request' }).click();
  await expect.poll(() => rita.locator('#pg-answer').getAttribute('data-status')).toBe('201');

  const card = ana.locator('article.pg-msg').filter({ hasText: 'db.drop_table' }).first();
  await card.waitFor();
  await pg.shot(ana, 'card-pending');
  const ts = await card.getAttribute('data-ts');
  await card.getByRole('button', { name: 'Approve' }).click();
  // chat.update replaces the card where it was: same ts, new content, no Approve button.
  const updated = ana.locator(`article.pg-msg[data-ts="${ts}"]`);
  await expect.poll(() => updated.innerText(), { timeout: 20_000 }).toMatch(/approved/i);
  expect(await updated.getByRole('button', { name: 'Approve' }).count()).toBe(0);
  await pg.shot(ana, 'card-approved');

  await rita.locator('[data-go^="D"]').click();
  await expect.poll(() => rita.locator('#pg-messages').innerText(), { timeout: 20_000 }).toMatch(/approved/i);
}, 120_000);
