// Price lists: the vendor adds a dollar list price in Settings, a dollar reseller can then be
// created and is billed that price; the vendor schedules the reseller's own price, sees it
// waiting, and withdraws it.
import { expect, test } from '@playwright/test';
import { admin, checkPage, login, unique } from './support';
import { acceptWelcome, bearer } from './world';

test('the vendor prices credits per currency and resellers are billed their own currency', async ({ page, request }) => {
  test.setTimeout(120_000);
  await login(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/admin/);
  await page.getByTestId('nav-settings').click();
  const card = page.getByTestId('prices');
  await expect(card.getByTestId('price-row').first()).toBeVisible();

  // A dollar list price, from now. (An amount that is not money is refused before sending.)
  await card.getByTestId('price-currency').selectOption('USD');
  await card.getByTestId('price-amount').fill('six');
  await card.getByTestId('price-add').click();
  await expect(card.getByTestId('price-amount')).toHaveAttribute('aria-invalid', 'true');
  const dollars = (6 + Math.floor(Math.random() * 90) / 100).toFixed(2);
  await card.getByTestId('price-amount').fill(dollars);
  await card.getByTestId('price-add').click();
  const usdRow = card.locator('[data-testid="price-row"][data-currency="USD"][data-status="current"]', { hasText: 'List price' });
  await expect(usdRow.first()).toContainText(`${dollars} USD`);
  await checkPage(page, 'admin settings with prices');

  // A dollar reseller is billed the dollar price, minus its discount.
  const asAdmin = await bearer(request, admin.email, admin.password);
  const name = unique('Dollar Partner');
  const created = await request.post('/api/v1/admin/resellers', {
    headers: asAdmin,
    data: { name, contact_email: `${unique('usd')}@e2e.test`.toLowerCase(), discount_percent: 0, currency: 'USD', brand_ids: [] },
  });
  expect(created.status()).toBe(201);
  const resellerId = (await created.json()).id;
  const staff = { email: `${unique('dee')}@e2e.test`.toLowerCase(), password: `Reseller-${unique('pw')}` };
  expect((await request.post(`/api/v1/admin/resellers/${resellerId}/users`, { headers: asAdmin, data: { name: 'Dee Dollar', email: staff.email } })).status()).toBe(201);
  await acceptWelcome(request, staff.email, staff.password);
  const asReseller = await bearer(request, staff.email, staff.password);
  const client = await request.post('/api/v1/clients', {
    headers: asReseller,
    data: { name: unique('Acme Inc'), contact_name: 'Ann', contact_email: `${unique('ann')}@e2e.test`.toLowerCase(), initial_credits: 0 },
  });
  expect(client.status()).toBe(201);
  const order = await request.post('/api/v1/credit-orders', { headers: asReseller, data: { client_code: (await client.json()).code, credits: 2 } });
  expect(order.status()).toBe(201);
  const placed = await order.json();
  expect(placed.currency).toBe('USD');
  expect(placed.list_price_minor).toBe(Math.round(Number(dollars) * 100));
  expect(placed.amount_minor).toBe(2 * Math.round(Number(dollars) * 100));

  // The reseller's own price, from tomorrow: it waits, then is withdrawn.
  await page.reload();
  await card.getByTestId('price-currency').selectOption('USD');
  await card.getByTestId('price-reseller').selectOption({ label: `${name} (USD)` });
  await card.getByTestId('price-amount').fill('5.00');
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
  const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  await card.getByTestId('price-from').fill(local);
  await card.getByTestId('price-add').click();
  const own = card.locator('[data-testid="price-row"][data-status="scheduled"]', { hasText: name });
  await expect(own).toContainText('5.00 USD');
  await own.getByTestId('withdraw-price').click();
  await own.getByTestId('withdraw-price-confirm').click();
  await expect(own).toHaveCount(0);
});
