import { expect, it } from 'vitest';
import { SAM, usePlayground } from './support.ts';

const playground = usePlayground();

it('App Home: a rule with an invalid glob is refused inline, a valid one is saved, and the simulator matches it', async () => {
  const pg = await playground.start();
  const sam = await pg.open(SAM, 'home');
  const home = sam.locator('.pg-home');
  await home.getByRole('button', { name: 'Add rule' }).click();
  const modal = sam.locator('.pg-modal');
  await modal.getByLabel('Name', { exact: true }).waitFor();
  await modal.getByLabel('Name', { exact: true }).fill('Refunds need an approver');
  await modal.getByLabel('Action patterns', { exact: true }).fill('refund.{1..3}');
  // The approver group, through the app's own options listener (block_suggestion).
  const groups = modal.locator('[data-block-id="rule_groups"] .bk-combo-input');
  await groups.fill('appr');
  await modal
    .getByRole('option', { name: /approvers/i })
    .first()
    .click();
  await modal.locator('.bk-modal-submit').click();

  const actionError = modal.locator('[data-block-id="rule_action"] .bk-input-error');
  await expect.poll(() => actionError.textContent()).toContain('{1..3}');
  expect(await actionError.isVisible()).toBe(true);
  await pg.shot(sam, 'rule-glob-error');

  await modal.getByLabel('Action patterns', { exact: true }).fill('refund.*');
  await modal.locator('.bk-modal-submit').click();
  await modal.waitFor({ state: 'detached' });
  await home.getByText('Refunds need an approver', { exact: true }).waitFor();
  await pg.shot(sam, 'app-home');

  await home.getByRole('button', { name: 'Test a request' }).click();
  await modal.getByLabel('Action', { exact: true }).fill('refund.issue');
  await modal.getByLabel('Resource', { exact: true }).fill('order-1234');
  await modal.locator('.bk-modal-submit').click();
  await modal.getByText('Matches rule “Refunds need an approver”').waitFor();
}, 120_000);
