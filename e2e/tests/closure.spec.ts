// Closing a client: the reseller closes it with a reason and a grace period; the client's users
// see when on their dashboard and can still sign in; the reseller withdraws it, then closes it
// with no grace period, and the housekeeping job carries it out: the client is archived, its
// candidates anonymised and its users can no longer sign in.
import { expect, test } from '@playwright/test';
import { checkPage, login, unique } from './support';
import { bearer, resellerWithClient } from './world';

test('a reseller closes a client after a grace period, and can withdraw it until then', async ({ browser, page, request }) => {
  test.setTimeout(120_000);
  const { reseller, client, clientId } = await resellerWithClient(request, 5);
  const asClient = await bearer(request, client.email, client.password);
  const tests = await request.get('/api/v1/tests', { headers: asClient });
  const numerical = ((await tests.json()).data as { id: string; category: string; norm_groups: { id: string }[] }[]).find(
    (t) => t.category === 'numerical',
  )!;
  const project = await request.post('/api/v1/projects', {
    headers: asClient,
    data: { name: unique('Closing intake'), tests: [{ test_id: numerical.id, norm_group_id: numerical.norm_groups[0].id }] },
  });
  expect(project.status()).toBe(201);
  const email = `${unique('cleo')}@e2e.test`.toLowerCase();
  const invited = await request.post('/api/v1/candidates', {
    headers: asClient,
    data: { project_id: (await project.json()).id, first_name: 'Cleo', last_name: 'Closing', email },
  });
  expect(invited.status()).toBe(201);
  const candidateId = (await invited.json()).id as string;

  await login(page, reseller.email, reseller.password);
  await expect(page).toHaveURL(/\/reseller$/);
  await page.goto(`/reseller/clients/${clientId}`);
  const card = page.getByTestId('closure');
  await expect(card).toBeVisible();
  // A reason is required; the grace period defaults to 30 days.
  await expect(card.getByTestId('closure-grace')).toHaveValue('30');
  await card.getByTestId('closure-submit').click();
  await expect(card).toContainText('Say why the client is closed');
  await card.getByTestId('closure-reason').fill('Contract ended 30 November');
  await card.getByTestId('closure-submit').click();
  await expect(card.getByTestId('closure-pending')).toContainText('This client closes on');
  await expect(page.getByTestId('client-closing')).toBeVisible();
  await checkPage(page, 'client page with a pending closure');

  // The client's user still signs in, and is told when and what to do.
  const clientContext = await browser.newContext();
  const clientPage = await clientContext.newPage();
  await login(clientPage, client.email, client.password);
  await expect(clientPage).toHaveURL(/\/client$/);
  await expect(clientPage.getByTestId('account-closing')).toContainText('This account closes on');
  await checkPage(clientPage, 'client dashboard while the account closes');

  // Withdrawn: the form is back and the client invites again.
  await card.getByTestId('closure-withdraw').click();
  await card.getByTestId('closure-withdraw-confirm').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'will not be closed' })).toBeVisible();
  await expect(card.getByTestId('closure-form')).toBeVisible();
  await expect(page.getByTestId('client-closing')).toHaveCount(0);

  // Closed with no grace period: the job carries it out within a round or two.
  await card.getByTestId('closure-reason').fill('Asked by the client');
  await card.getByTestId('closure-grace').fill('0');
  await card.getByTestId('closure-submit').click();
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('closure-done')).toContainText('Closed on', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('client-status')).toContainText(/archived/i);
  await checkPage(page, 'client page once closed');

  const asReseller = await bearer(request, reseller.email, reseller.password);
  const cand = await request.get(`/api/v1/candidates/${candidateId}`, { headers: asReseller });
  expect((await cand.json()).email).toBe(`anonymised+${candidateId}@invalid`);
  const signIn = await request.post('/api/v1/auth/login', { data: { email: client.email, password: client.password } });
  expect(signIn.status()).toBe(401);
  await clientContext.close();
});
