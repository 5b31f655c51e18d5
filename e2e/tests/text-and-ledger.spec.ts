// Rough edges a new reseller trips over (issue 13): multi-line text in forms and pages, ledger
// lines that say what they were for, the Quick Start Guide previewed and sent by the reseller,
// and starting credits that say they are invoiced.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { admin, login, setPasswordLink, unique, waitForMail } from './support';

async function token(request: APIRequestContext, email: string, password: string): Promise<string> {
  const resp = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(resp.status()).toBe(200);
  return (await resp.json()).access_token as string;
}

/** A reseller with one user who has chosen a password: its login. */
async function newReseller(request: APIRequestContext): Promise<{ email: string; password: string }> {
  const headers = { Authorization: `Bearer ${await token(request, admin.email, admin.password)}` };
  const reseller = await request.post('/api/v1/admin/resellers', {
    headers,
    data: { name: unique('Text Partners'), contact_email: `${unique('contact')}@e2e.test`.toLowerCase(), discount_percent: 10, currency: 'GBP', brand_ids: [] },
  });
  expect(reseller.status()).toBe(201);
  const email = `${unique('tess')}@e2e.test`.toLowerCase();
  const password = `Reseller-pass-${unique('pw')}`;
  const user = await request.post(`/api/v1/admin/resellers/${(await reseller.json()).id}/users`, { headers, data: { name: 'Tess Reseller', email } });
  expect(user.status()).toBe(201);
  const link = new URL(setPasswordLink(await waitForMail(email)), 'http://x');
  const set = await request.post('/api/v1/auth/password/set', { data: { token: link.searchParams.get('token'), password } });
  expect(set.status()).toBe(204);
  return { email, password };
}

test('multi-line addresses, described ledger lines and the Quick Start Guide', async ({ page, request }) => {
  test.setTimeout(120_000);
  const reseller = await newReseller(request);
  await login(page, reseller.email, reseller.password);
  await expect(page).toHaveURL(/\/reseller$/);

  // Clients > Create with a two-line address and notes; the starting-credits hint says they are invoiced.
  await page.goto('/reseller/clients/new');
  await expect(page.getByTestId('client-name')).toBeVisible();
  await expect(page.locator('.field', { has: page.getByTestId('client-initial-credits') })).toContainText(/invoice you for them like any other order/);
  const clientName = unique('Walk Ltd');
  await page.getByTestId('client-name').fill(clientName);
  await page.getByTestId('client-contact-name').fill('Wes Walker');
  await page.getByTestId('client-contact-email').fill(`${unique('wes')}@e2e.test`.toLowerCase());
  await page.getByTestId('client-initial-credits').fill('10');
  await page.getByTestId('client-address').fill('1 Walk Street\nLondon');
  await page.getByTestId('client-notes').fill('Met at the fair.\nCall in May.');
  await page.getByTestId('client-submit').click();
  await expect(page).toHaveURL(/\/reseller\/clients\/(?!new$)[^/]+$/);
  const clientId = page.url().split('/').pop() ?? '';
  const address = page.getByTestId('client-address').first();
  // Shown on two lines, not run together (innerText follows the CSS white-space rule).
  await expect(address).toBeVisible();
  expect(await address.innerText()).toBe('1 Walk Street\nLondon');
  expect(await page.getByTestId('client-notes').first().innerText()).toBe('Met at the fair.\nCall in May.');

  // The ledger says what the starting credits were, linked to the invoice that bills them.
  const initial = page.locator('[data-testid="ledger-row"][data-kind="initial"]');
  await expect(initial.getByTestId('ledger-description')).toHaveText('Initial credits: 10 credits');
  await expect(initial.getByTestId('ledger-description').locator('a')).toHaveAttribute('href', /\/reseller\/invoices\//);

  // A project with a multi-line description and an invitation, through the API as the reseller.
  const auth = { Authorization: `Bearer ${await token(request, reseller.email, reseller.password)}` };
  const catalogue = await (await request.get('/api/v1/tests', { headers: auth })).json();
  const test0 = catalogue.data[0];
  const project = await request.post('/api/v1/projects', {
    headers: auth,
    data: { client_id: clientId, name: 'Graduate Scheme 2027', description: 'Two tests.\r\nAllow 40 minutes.', tests: [{ test_id: test0.id, norm_group_id: test0.norm_groups[0].id }] },
  });
  expect(project.status(), await project.text()).toBe(201);
  const invited = await request.post('/api/v1/candidates', {
    headers: auth,
    data: { project_id: (await project.json()).id, first_name: 'Jane', last_name: 'Doe', email: `${unique('jane')}@e2e.test`.toLowerCase() },
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const candidateId = (await invited.json()).id as string;

  await page.reload();
  const charge = page.locator('[data-testid="ledger-row"][data-kind="invite_charge"]');
  await expect(charge.getByTestId('ledger-description')).toHaveText('Invitation: Jane Doe — Graduate Scheme 2027');
  await charge.getByRole('link', { name: 'Invitation: Jane Doe — Graduate Scheme 2027' }).click();
  await expect(page).toHaveURL(new RegExp(`/reseller/candidates/${candidateId}$`));

  // The project page keeps the description's line break.
  await page.goto(`/reseller/projects/${(await project.json()).id}`);
  await expect(page.locator('p.pre-line')).toBeVisible();
  expect(await page.locator('p.pre-line').innerText()).toBe('Two tests.\nAllow 40 minutes.');

  // A client user; the welcome email's HTML part links the guide and the sign-in page.
  const userEmail = `${unique('cleo')}@e2e.test`.toLowerCase();
  const created = await request.post('/api/v1/client-users', { headers: auth, data: { client_id: clientId, name: 'Cleo Client', email: userEmail } });
  expect(created.status()).toBe(201);
  const welcome = await waitForMail(userEmail);
  expect(welcome.text).toMatch(/<a href="https?:\/\/[^"]+\/client\/quick-start">/);
  expect(welcome.text).toMatch(/<a href="https?:\/\/[^"]+\/login">/);

  // The reseller previews the guide: the words match the real buttons.
  await page.goto('/reseller/client-users');
  await page.getByTestId('quick-start-preview-open').click();
  await expect(page).toHaveURL(/\/reseller\/quick-start$/);
  await expect(page.getByTestId('quick-start-preview')).toBeVisible();
  const guide = page.getByTestId('quick-start');
  await expect(guide).toContainText('choose Create project');
  await expect(guide).not.toContainText('New project');
  await expect(guide).toContainText('Invite candidate');

  // ...and sends it to the client user.
  await page.goto('/reseller/client-users');
  const seen = new Set([welcome.file.split('/').pop() ?? '']);
  await page.getByTestId(`send-guide-${userEmail}`).click();
  await expect(page.getByTestId('toast').filter({ hasText: `Quick Start Guide sent to ${userEmail}` })).toBeVisible();
  const sent = await waitForMail(userEmail, seen);
  expect(sent.subject).toContain('Quick Start Guide');
  expect(sent.text).toMatch(/<a href="https?:\/\/[^"]+\/client\/quick-start"/);
});
