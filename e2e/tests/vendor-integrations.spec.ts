// The vendor's invoices page, and a reseller connecting a partner system: an API key created in
// the browser works over the REST API until it is revoked in the browser; a webhook is added.
import { expect, test } from '@playwright/test';
import { admin, checkPage, login, logout, setPasswordLink, unique, waitForMail } from './support';

test('the vendor sees invoices; a reseller manages API keys and webhooks', async ({ page, request }) => {
  test.setTimeout(90_000);
  const adminLogin = await request.post('/api/v1/auth/login', { data: { email: admin.email, password: admin.password } });
  const adminHeaders = { Authorization: `Bearer ${(await adminLogin.json()).access_token}` };
  const resellerName = unique('Integrating Partners');
  const reseller = await request.post('/api/v1/admin/resellers', {
    headers: adminHeaders,
    data: { name: resellerName, contact_email: `${unique('ops')}@e2e.test`.toLowerCase(), discount_percent: 10, currency: 'GBP', brand_ids: [] },
  });
  expect(reseller.status()).toBe(201);
  const resellerId = (await reseller.json()).id;
  const email = `${unique('integrator')}@e2e.test`.toLowerCase();
  const password = `Integrator-${unique('pw')}`;
  expect((await request.post(`/api/v1/admin/resellers/${resellerId}/users`, { headers: adminHeaders, data: { name: 'Ivy Integrator', email } })).status()).toBe(201);
  const token = new URL(setPasswordLink(await waitForMail(email)), 'http://x').searchParams.get('token');
  expect((await request.post('/api/v1/auth/password/set', { data: { token, password } })).status()).toBe(204);
  const resellerLogin = await request.post('/api/v1/auth/login', { data: { email, password } });
  const resellerHeaders = { Authorization: `Bearer ${(await resellerLogin.json()).access_token}` };
  const client = await request.post('/api/v1/clients', { headers: resellerHeaders, data: { name: unique('Wired Co'), contact_name: 'W', contact_email: 'w@e2e.test', initial_credits: 40 } });
  expect(client.status()).toBe(201);

  // The vendor: this month's draft invoice of the reseller, not issuable while the month is open
  // (the server's billing calendar is pinned mid-month by run.sh, so this holds on any date).
  await login(page, admin.email, admin.password);
  await page.getByTestId('nav-invoices').click();
  const row = page.getByTestId('admin-invoice-row').filter({ hasText: resellerName });
  await expect(row).toContainText('Draft');
  await expect(row).toContainText('180.00 GBP'); // 40 credits × 5.00 − 10 %
  await checkPage(page, 'admin invoices');
  await expect(row).toContainText('Month still open');
  await logout(page);

  // The reseller creates an API key in the browser...
  await login(page, email, password);
  await page.getByTestId('nav-integrations').click();
  await page.getByTestId('api-key-name').fill('ATS sync');
  await page.getByTestId('api-key-create').click();
  const secret = (await page.getByTestId('api-key-secret-value').textContent())!.trim();
  expect(secret).toMatch(/^cs_/);
  const row2 = page.getByTestId('api-key-row').filter({ hasText: 'ATS sync' });
  const clientId = (await row2.locator('code').textContent())!.trim();
  // ...which a partner system uses over the API...
  const exchanged = await request.post('/api/v1/auth/token', { data: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret } });
  expect(exchanged.status()).toBe(200);
  const partner = { Authorization: `Bearer ${(await exchanged.json()).access_token}` };
  const clients = await request.get('/api/v1/clients', { headers: partner });
  expect(clients.status()).toBe(200);
  expect((await clients.json()).data).toHaveLength(1);
  // ...until it is revoked in the browser.
  await row2.getByTestId('revoke-api-key').click();
  await row2.getByTestId('revoke-api-key-confirm').click();
  await expect(page.getByTestId('api-key-row').filter({ hasText: 'ATS sync' })).toHaveCount(0);
  expect((await request.get('/api/v1/clients', { headers: partner })).status()).toBe(401);

  // A webhook for low-credit events.
  await page.getByTestId('webhook-url').fill('https://hooks.partner.example/credence');
  await page.getByTestId('webhook-create').click();
  await expect(page.getByTestId('webhook-secret-value')).toContainText('whsec_');
  await expect(page.getByTestId('webhook-row')).toContainText('client.credits_low');
  await checkPage(page, 'integrations');
});
