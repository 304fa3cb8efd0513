import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { SAM, usePlayground } from './support.ts';

const playground = usePlayground();

/** Confirms the open confirm dialog (the button's `confirm` object), as a press on its yes button. */
async function confirmDialog(page: Page): Promise<void> {
  await page.locator('dialog[open] [data-confirm="confirm"]').click();
}

it('App Home for the admin: an API key is created (and works), then revoked (and refused)', async () => {
  const pg = await playground.start();
  const sam = await pg.open(SAM, 'home');
  const home = sam.locator('.pg-home');
  await home.getByRole('button', { name: 'Create API key' }).click();
  const modal = sam.locator('.pg-modal');
  await modal.getByLabel('Service name').fill('billing-bot');
  await modal.locator('.bk-modal-submit').click();
  // The key is shown once, in the modal that replaced the form (response_action: update).
  await modal.getByText('Key for billing-bot').waitFor();
  // The secret is the first code block; the second is the callback signing secret.
  const secret = (await modal.locator('pre').first().textContent())?.trim();
  expect(secret).toMatch(/^gl_[A-Za-z0-9_-]+$/);
  await pg.shot(sam, 'api-key-created');
  await modal.getByRole('button', { name: 'Done' }).click();
  await modal.waitFor({ state: 'detached' });

  const ask = () =>
    fetch(`${pg.base}/api/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        action: 'deploy',
        resource: 'prod-billing',
        reason: 'Rotate the billing secrets',
        requester: { slackUserId: 'U0RITA0001' },
      }),
    });
  expect((await ask()).status).toBe(201);

  const row = home.locator('.bk-section').filter({ hasText: 'billing-bot' });
  await row.getByRole('button', { name: 'Revoke' }).click();
  await confirmDialog(sam);
  await expect.poll(() => row.count()).toBe(0);
  expect((await ask()).status).toBe(401);
}, 120_000);

it('App Home for the admin: link a GitHub identity, see approval stats, and export the audit trail to a DM', async () => {
  const pg = await playground.start();
  const sam = await pg.open(SAM, 'home');
  const home = sam.locator('.pg-home');
  const modal = sam.locator('.pg-modal');

  await home.getByRole('button', { name: 'Link GitHub user' }).click();
  await modal.getByLabel('GitHub login').fill('octocat');
  await modal.locator('[data-block-id] .bk-combo-input').last().fill('Rit');
  await modal.getByRole('option', { name: 'Rita' }).click();
  await modal.locator('.bk-modal-submit').click();
  await modal.waitFor({ state: 'detached' });
  await home.locator('.bk-section').filter({ hasText: 'octocat' }).getByText('@Rita').waitFor();

  await home.getByRole('button', { name: 'Approval stats' }).click();
  await modal.getByText('Approval stats').first().waitFor();
  await expect.poll(async () => (await modal.textContent()) ?? '').not.toContain('Computing the numbers');
  await pg.shot(sam, 'approval-stats');
  await modal.getByRole('button', { name: 'Close' }).click();
  await modal.waitFor({ state: 'detached' });

  await home.getByRole('button', { name: 'Export' }).click();
  await modal.getByText('Export audit trail').first().waitFor();
  await modal.locator('.bk-modal-submit').click();
  await modal.waitFor({ state: 'detached' });
  // The file arrives as a DM from Greenlight, a link to the stand-in's copy of it.
  await sam.locator('[data-go^="D"]').click();
  const link = sam.locator('#pg-messages a[href*="/files/"]').first();
  await link.waitFor();
  await pg.shot(sam, 'audit-export-dm');
  const file = await fetch((await link.getAttribute('href')) ?? '');
  expect(file.status).toBe(200);
  const lines = (await file.text()).trim().split('\n');
  const types = lines.map((line) => (JSON.parse(line) as { type: string }).type);
  // The identity link made above is in the trail.
  expect(types.some((type) => type.startsWith('identity'))).toBe(true);
}, 120_000);
