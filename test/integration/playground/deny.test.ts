import { expect, it } from 'vitest';
import { ANA, OMAR, usePlayground } from './support.ts';

const playground = usePlayground();

it('Deny asks for a reason: an empty one is refused inline under the field, a given one denies the card', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  await pg.request({ action: 'deploy', resource: 'prod-db-proxy' });
  const card = ana.locator('article.pg-msg').filter({ hasText: 'prod-db-proxy' }).first();
  await card.getByRole('button', { name: 'Deny' }).click();
  const modal = ana.locator('.pg-modal');
  await modal.waitFor();
  await modal.locator('.bk-modal-submit').click();
  // response_action: errors, shown under the input it names; the modal stays open.
  const error = modal.locator('.bk-input-error:not([hidden])');
  await error.waitFor();
  // The app's own words (its view_submission listener answered response_action: errors).
  expect((await error.textContent())?.trim()).toBe('A reason is required to deny.');
  await pg.shot(ana, 'deny-reason-error');
  await modal.locator('textarea, input[type=text]').first().fill('Not during the freeze');
  await modal.locator('.bk-modal-submit').click();
  await modal.waitFor({ state: 'detached' });
  await card.getByText('Denied: deploy').waitFor();
  await card.getByText('Not during the freeze').waitFor();
}, 120_000);

it('a rule needing two approvals: the first approval counts 1 of 2, the second approves', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  const omar = await pg.open(OMAR);
  await pg.request({ action: 'db.drop_table', resource: 'prod-customers' });
  for (const [page, count] of [
    [ana, 'Approvals: 1 of 2'],
    [omar, 'Approved: db.drop_table'],
  ] as const) {
    const card = page.locator('article.pg-msg').filter({ hasText: 'prod-customers' }).first();
    await card.getByRole('button', { name: 'Approve' }).click();
    // The rule asks approvers for a reason: Approve opens a modal first.
    const modal = page.locator('.pg-modal');
    await modal.waitFor();
    await modal.locator('textarea, input[type=text]').first().fill('Checked the backup');
    await modal.locator('.bk-modal-submit').click();
    await modal.waitFor({ state: 'detached' });
    await card.getByText(count).waitFor();
  }
}, 120_000);
