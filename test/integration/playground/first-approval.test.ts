import { expect, it } from 'vitest';
import { usePlayground } from './support.ts';

const playground = usePlayground();

it('a newcomer follows the first screen: the guide’s three steps make a first approval on one page', async () => {
  const pg = await playground.start();
  const context = await pg.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  // The URL the startup summary prints, with nothing after it: Rita, in #approvals.
  await page.goto(`${pg.base}/playground`);
  await page.locator('body[data-live="true"]').waitFor();
  const guide = page.locator('.pg-guide');
  expect(await guide.locator('summary').textContent()).toBe('Your first approval, in a minute');
  expect(await guide.locator('li').count()).toBe(3);
  expect(await guide.isVisible()).toBe(true);
  expect(await page.locator('#pg-messages').textContent()).toContain('No requests yet.');
  await pg.shot(page, 'first-screen');

  // 1. As Rita, Send request.
  const body = page.locator('#pg-body');
  const bodyHeight = (await body.boundingBox())?.height ?? 0;
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect.poll(() => page.locator('#pg-answer').getAttribute('data-status')).toBe('201');
  // The long answer scrolls the column; the body stays as tall as it was.
  expect((await body.boundingBox())?.height).toBe(bodyHeight);
  const card = page.locator('#pg-messages article.pg-msg').filter({ hasText: 'prod-web' });
  await card.getByText('Approval requested: deploy').waitFor();

  // 2. Switch to Ana and Approve.
  await page.getByLabel('You are').selectOption({ label: 'Ana (approver)' });
  await expect.poll(() => page.locator('body').getAttribute('data-as')).toBe('U0ANA00001');
  await card.getByRole('button', { name: 'Approve' }).click();
  await card.getByText('Approved: deploy').waitFor();

  // 3. Back to Rita, her DM with Greenlight.
  await page.getByLabel('You are').selectOption({ label: 'Rita (requester)' });
  await page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('link', { name: 'Greenlight', exact: true })
    .click();
  await page.locator('#pg-title').getByText('Greenlight (direct message)').waitFor();
  await page.locator('#pg-messages').getByText('Approved', { exact: true }).first().waitFor();
  await pg.shot(page, 'first-approval-dm');
  await context.close();
}, 120_000);
