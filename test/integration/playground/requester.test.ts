import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { ANA, RITA, usePlayground } from './support.ts';

const playground = usePlayground();

/** Opens the person's DM with Greenlight from the sidebar. */
async function openDm(page: Page): Promise<void> {
  await page.locator('[data-go^="D"]').click();
  await page.locator('#pg-title').getByText('Greenlight (direct message)').waitFor();
}

/** Rita asks with /request-action in #approvals: the modal opens prefilled, she gives a reason and submits it. */
async function requestFromSlack(rita: Page, text: string): Promise<void> {
  await rita.locator('#pg-text').fill(`/request-action ${text}`);
  await rita.locator('#pg-text').press('Enter');
  const modal = rita.locator('.pg-modal');
  await modal.getByLabel('Why').fill('Part of the weekly rollout');
  await modal.getByRole('button', { name: 'Request' }).click();
  await modal.waitFor({ state: 'detached' });
}

it('Ana asks a question from the card, Rita answers it from her DM, and the answer reaches Ana', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  const rita = await pg.open(RITA);
  await pg.request({ action: 'deploy', resource: 'prod-search' });
  const card = ana.locator('article.pg-msg').filter({ hasText: 'prod-search' }).first();
  await card.getByRole('button', { name: 'Ask a question' }).click();
  const askModal = ana.locator('.pg-modal');
  await askModal.getByRole('textbox', { name: 'Question' }).fill('Is the index rebuilt first?');
  await askModal.locator('.bk-modal-submit').click();
  await askModal.waitFor({ state: 'detached' });

  await openDm(rita);
  const question = rita
    .locator('#pg-messages article.pg-msg')
    .filter({ hasText: 'Is the index rebuilt first?' })
    .first();
  await question.getByRole('button', { name: 'Reply' }).click();
  const replyModal = rita.locator('.pg-modal');
  await replyModal.getByLabel('Your answer').fill('Yes, the rebuild runs in the migration');
  await pg.shot(rita, 'answer-question');
  await replyModal.locator('.bk-modal-submit').click();
  await replyModal.waitFor({ state: 'detached' });

  await openDm(ana);
  await ana.locator('#pg-messages').getByText('Yes, the rebuild runs in the migration').first().waitFor();
}, 120_000);

it('after approval Rita shows her grant and asks for an extension, which Ana approves in the card’s thread', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  const rita = await pg.open(RITA);
  // From Slack: the grant is the person's to show (a service's request hands it to the service).
  await requestFromSlack(rita, 'deploy prod-queue');
  const card = ana.locator('article.pg-msg').filter({ hasText: 'prod-queue' }).first();
  await card.getByRole('button', { name: 'Approve' }).click();
  await card.getByText('Approved: deploy').waitFor();

  await openDm(rita);
  const outcome = rita
    .locator('#pg-messages article.pg-msg')
    .filter({ has: rita.getByRole('button', { name: 'Show grant' }) });
  await outcome.getByRole('button', { name: 'Show grant' }).click();
  const modal = rita.locator('.pg-modal');
  // The grant is a signed JWT (header.payload.signature).
  await expect
    .poll(async () => (await modal.locator('pre').first().textContent())?.trim() ?? '')
    .toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  await pg.shot(rita, 'show-grant');
  await modal.locator('.bk-modal-close').click();
  await modal.waitFor({ state: 'detached' });

  await outcome.getByRole('button', { name: 'Request extension' }).click();
  await modal.getByLabel('Reason').fill('The rollout needs another window');
  await modal.locator('.bk-modal-submit').click();
  await modal.waitFor({ state: 'detached' });

  // The extension is asked in the card's thread, where one approver decides.
  await card.locator('.pg-replies').click();
  const thread = ana.locator('#pg-thread');
  const asked = thread.locator('article.pg-msg').filter({ hasText: 'The rollout needs another window' }).first();
  await asked.getByRole('button', { name: 'Approve extension' }).click();
  await ana.locator('dialog[open] [data-confirm="confirm"]').click();
  await expect.poll(() => asked.getByRole('button', { name: 'Approve extension' }).count()).toBe(0);
  await pg.shot(ana, 'extension-approved');
  // Rita is told in her DM: a new grant, and the old token no longer works.
  await rita.locator('#pg-messages article.pg-msg').filter({ hasText: 'extended your access for' }).first().waitFor();
}, 120_000);

it('Rita cancels her pending request from App Home and the card says so', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  const rita = await pg.open(RITA);
  await requestFromSlack(rita, 'deploy prod-mail');
  await rita.locator('[data-go="home"]').click();
  const mine = rita.locator('.pg-home .bk-section').filter({ hasText: 'prod-mail' }).first();
  await mine.getByRole('button', { name: 'Cancel' }).click();
  await rita.locator('dialog[open] [data-confirm="confirm"]').click();
  await expect.poll(() => rita.locator('.pg-home').getByText('You have no open requests.').count()).toBe(1);
  const card = ana.locator('article.pg-msg').filter({ hasText: 'prod-mail' }).first();
  await card
    .getByText(/Cancelled/)
    .first()
    .waitFor();
  expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);
  await pg.shot(ana, 'cancelled');
}, 120_000);
