// The vendor's invoices page, and a reseller connecting a partner system: an API key created in
// the browser with chosen scopes works over the REST API within them until it is revoked in the
// browser; a webhook to a local receiver gets an event, which its delivery log shows, redelivers,
// and follows with a test event.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { admin, checkPage, login, logout, setPasswordLink, unique, waitForMail } from './support';

/// A local endpoint (run.sh allows http to 127.0.0.1) that answers 200 and keeps what it got.
async function webhookReceiver() {
  const received: { delivery: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ delivery: String(req.headers['credence-delivery'] ?? ''), body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/credence`;
  return { url, received, close: () => server.close() };
}

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

  // The reseller creates an API key in the browser, choosing its scopes (reading is ticked by
  // default; credits and clients are offered to reseller users)...
  await login(page, email, password);
  await page.getByTestId('nav-integrations').click();
  await page.getByTestId('api-key-name').fill('ATS sync');
  await expect(page.getByTestId('api-key-scope-read')).toBeChecked();
  await expect(page.getByTestId('api-key-scope-credits')).not.toBeChecked();
  await expect(page.getByTestId('api-key-scope-choices')).toContainText('Place credit orders');
  await page.getByTestId('api-key-scope-candidates').check();
  await page.getByTestId('api-key-rate').fill('50');
  await page.getByTestId('api-key-create').click();
  const secret = (await page.getByTestId('api-key-secret-value').textContent())!.trim();
  expect(secret).toMatch(/^cs_/);
  const row2 = page.getByTestId('api-key-row').filter({ hasText: 'ATS sync' });
  const scopes = row2.getByTestId('api-key-scopes').locator('[data-scope]');
  await expect(scopes).toHaveText(['read', 'candidates']);
  await expect(row2.getByTestId('api-key-last-used')).toHaveText('Never');
  await expect(row2.getByTestId('api-key-rate')).toHaveText('50');
  await expect(row2.getByTestId('api-key-requests')).toHaveText('0');
  await checkPage(page, 'integrations with a key');
  const clientId = (await row2.locator('code').first().textContent())!.trim();
  // ...which a partner system uses over the API, within those scopes...
  const exchanged = await request.post('/api/v1/auth/token', { data: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret } });
  expect(exchanged.status()).toBe(200);
  const grant = await exchanged.json();
  expect(grant.scope).toBe('read candidates');
  const partner = { Authorization: `Bearer ${grant.access_token}` };
  const clients = await request.get('/api/v1/clients', { headers: partner });
  expect(clients.status()).toBe(200);
  expect(clients.headers()['ratelimit-limit']).toBe('50');
  expect(clients.headers()['ratelimit-remaining']).toBe('49');
  expect((await clients.json()).data).toHaveLength(1);
  const order = await request.post('/api/v1/credit-orders', { headers: partner, data: { client_code: (await client.json()).code, credits: 5 } });
  expect(order.status()).toBe(403);
  expect((await order.json()).code).toBe('insufficient_scope');
  const minted = await request.post('/api/v1/api-keys', { headers: partner, data: { name: 'Minted by a key' } });
  expect(minted.status()).toBe(403);
  expect((await minted.json()).code).toBe('api_key_not_allowed');
  // The page shows when the key was last exchanged.
  await page.reload();
  await expect(row2.getByTestId('api-key-last-used')).not.toHaveText('Never');
  // One request counted: the refused ones (scope, never for keys) took nothing.
  await expect(row2.getByTestId('api-key-requests')).toHaveText('1');
  // ...until it is revoked in the browser.
  await row2.getByTestId('revoke-api-key').click();
  await row2.getByTestId('revoke-api-key-confirm').click();
  await expect(page.getByTestId('api-key-row').filter({ hasText: 'ATS sync' })).toHaveCount(0);
  expect((await request.get('/api/v1/clients', { headers: partner })).status()).toBe(401);
  // Every exchange is in the reseller's audit log, the refused one (a revoked key) too.
  const again = await request.post('/api/v1/auth/token', { data: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret } });
  expect(again.status()).toBe(401);
  await page.getByTestId('nav-audit').click();
  const exchangedRow = page.getByTestId('audit-row').and(page.locator('[data-action="api_key.exchanged"]'));
  await expect(exchangedRow.getByTestId('audit-event')).toHaveText('Ivy Integrator — api_key.exchanged');
  const refusedRow = page.getByTestId('audit-row').and(page.locator('[data-action="api_key.exchange_refused"]'));
  await expect(refusedRow.getByTestId('audit-event')).toHaveText('Unknown caller — api_key.exchange_refused');
  await page.getByTestId('nav-integrations').click();

  // Every event is on offer to a reseller, its invoices too; low credit is ticked first.
  await expect(page.getByTestId('webhook-event-invoice.issued')).toBeVisible();
  await expect(page.getByTestId('webhook-event-candidate.invited')).toBeVisible();
  await expect(page.getByTestId('webhook-event-client.credits_low')).toBeChecked();

  // A webhook for low-credit events, to a local receiver.
  const receiver = await webhookReceiver();
  try {
    await page.getByTestId('webhook-url').fill(receiver.url);
    await page.getByTestId('webhook-create').click();
    await expect(page.getByTestId('webhook-secret-value')).toContainText('whsec_');
    const hookRow = page.getByTestId('webhook-row').filter({ hasText: receiver.url });
    await expect(hookRow).toContainText('client.credits_low');
    await hookRow.getByTestId('webhook-deliveries-toggle').click();
    const log = hookRow.getByTestId('webhook-deliveries');
    await expect(log).toContainText('No deliveries yet');

    // The client falls below its threshold: the event is delivered, and the log says so.
    const clientId = (await client.json()).id;
    const adjusted = await request.post(`/api/v1/clients/${clientId}/credit-adjustments`, {
      headers: resellerHeaders,
      data: { credits: 35, reason: 'e2e: below the threshold' },
    });
    expect(adjusted.status()).toBe(201);
    await log.getByTestId('webhook-deliveries-refresh').click();
    const rows = log.getByTestId('delivery-row');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('client.credits_low');
    await expect(rows.first().getByTestId('delivery-status')).toHaveText('Delivered', { timeout: 15_000 });
    await expect(rows.first().getByTestId('delivery-response')).toHaveText(/^2\d\d$/);
    await expect(rows.first().getByTestId('delivery-attempts')).toHaveText('1');
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0].body).type).toBe('client.credits_low');
    await checkPage(page, 'webhook deliveries');

    // Redeliver: a second row for the same event, delivered with the same body.
    await rows.first().getByTestId('redeliver-delivery').click();
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText('redelivery');
    await expect(log.locator('[data-testid="delivery-row"][data-status="delivered"]')).toHaveCount(2, { timeout: 15_000 });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].body).toBe(receiver.received[0].body);
    expect(receiver.received[1].delivery).not.toBe(receiver.received[0].delivery);

    // A test event: a ping, delivered like any other.
    await log.getByTestId('webhook-send-test').click();
    await expect(rows).toHaveCount(3);
    await expect(rows.first()).toContainText('ping');
    await expect(rows.first().getByTestId('delivery-status')).toHaveText('Delivered', { timeout: 15_000 });
    await expect(rows.first().getByTestId('delivery-response')).toHaveText(/^2\d\d$/);
    expect(JSON.parse(receiver.received[2].body).type).toBe('ping');
    await checkPage(page, 'integrations');
  } finally {
    receiver.close();
  }
});
