import { it } from 'vitest';
import { ANA, OMAR, RITA, usePlayground } from './support.ts';

const playground = usePlayground();

it('a staged rule: the team lead approves stage 1, security approves stage 2 and the request is approved', async () => {
  const pg = await playground.start();
  const ana = await pg.open(ANA);
  const omar = await pg.open(OMAR);
  // The demo rule for data.export: stage 1 Team lead (Ana), stage 2 Security (Omar).
  await pg.request({ action: 'data.export', resource: 'customers-eu' });
  const anaCard = ana.locator('article.pg-msg').filter({ hasText: 'customers-eu' }).first();
  await anaCard.getByText('Stage 1 · Team lead — 0 of 1').waitFor();
  await anaCard.getByRole('button', { name: 'Approve' }).click();
  // Stage 1 done: the card says who approved it and that security decides now, still pending.
  await anaCard.getByText('Stage 1 · Team lead — 1 of 1').waitFor();
  await anaCard.getByText('Stage 2 · Security — 0 of 1').waitFor();
  await anaCard.getByText('Approval requested: data.export').waitFor();
  await pg.shot(ana, 'stage-two');

  const omarCard = omar.locator('article.pg-msg').filter({ hasText: 'customers-eu' }).first();
  await omarCard.getByText('Stage 2 · Security — 0 of 1').waitFor();
  await omarCard.getByRole('button', { name: 'Approve' }).click();
  await omarCard.getByText('Approved: data.export').waitFor();
  await omarCard.getByText('Stage 2 · Security — 1 of 1').waitFor();
  await pg.shot(omar, 'stage-two-approved');
}, 120_000);

it('break glass: Rita approves her own export at once, #security is told, and Ana records the review', async () => {
  const pg = await playground.start();
  const rita = await pg.open(RITA);
  await pg.request({ action: 'data.export', resource: 'customers-us' });
  const card = rita.locator('article.pg-msg').filter({ hasText: 'customers-us' }).first();
  await card.getByRole('button', { name: 'Break glass' }).click();
  // The button's confirm dialog first, as Slack shows it.
  const confirm = rita.locator('dialog[open]');
  await confirm.getByRole('button', { name: 'Continue' }).click();
  const modal = rita.locator('.pg-modal');
  await modal.getByLabel('Why is this an emergency?').fill('The regulator asked for the export within the hour');
  await pg.shot(rita, 'break-glass-modal');
  await modal.locator('.bk-modal-submit').click();
  await modal.waitFor({ state: 'detached' });
  await card.getByText('Approved: data.export').waitFor();

  // Announced in #security.
  const ana = await pg.open(ANA, 'C0SECURITY');
  const announcement = ana.locator('#pg-messages article.pg-msg').filter({ hasText: 'customers-us' }).first();
  await announcement.getByText('The regulator asked for the export within the hour').waitFor();

  // An approver reviews it from the card.
  await ana.locator('[data-go="C0APPROVAL"]').click();
  const anaCard = ana.locator('#pg-messages article.pg-msg').filter({ hasText: 'customers-us' }).first();
  await anaCard.getByRole('button', { name: 'Review' }).click();
  const review = ana.locator('.pg-modal');
  await review.getByRole('radio', { name: 'Acceptable', exact: true }).check();
  await review.getByLabel('Note').fill('Checked with legal');
  await review.locator('.bk-modal-submit').click();
  await review.waitFor({ state: 'detached' });
  await anaCard.getByText('Checked with legal').waitFor();
  await pg.shot(ana, 'break-glass-reviewed');
}, 120_000);
