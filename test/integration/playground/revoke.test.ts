import { it } from 'vitest';
import { ANA, usePlayground } from './support.ts';

const playground = usePlayground();

it('revoke access: after approval, Revoke access asks to confirm, then for a reason, and the card says revoked', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  await pg.request({ action: 'deploy', resource: 'prod-search', reason: 'Reindex' });
  const card = ana.locator('article.pg-msg').filter({ hasText: 'prod-search' }).first();
  await card.getByRole('button', { name: 'Approve' }).click();
  await card.getByText('Approved: deploy').waitFor();

  await card.getByRole('button', { name: 'Revoke access' }).click();
  // The button's confirm object, as Slack shows it before sending anything.
  const confirm = card.locator('dialog.bk-confirm[open]');
  await confirm.waitFor();
  await confirm.getByRole('button', { name: 'Revoke access' }).click();
  const modal = ana.locator('.pg-modal');
  await modal.waitFor();
  await modal.getByLabel('Reason').fill('Done already');
  await modal.locator('.bk-modal-submit').click();
  await modal.waitFor({ state: 'detached' });
  await card
    .getByText(/revoked/i)
    .first()
    .waitFor();
}, 120_000);
