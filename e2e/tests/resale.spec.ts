// Resale: the reseller sets its default price per credit and a client's own, orders credits and
// takes some back, then reads the client's statement (page, CSV, printable page) and its revenue,
// cost and margin on the dashboard.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { checkPage, login } from './support';
import { bearer, resellerWithClient } from './world';

async function downloaded(page: Page, testid: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

test('a reseller resells credits at its own prices and gives its client a statement', async ({ page, request }) => {
  test.setTimeout(150_000);
  const { reseller, clientId } = await resellerWithClient(request, 0);
  const asReseller = await bearer(request, reseller.email, reseller.password);
  await login(page, reseller.email, reseller.password);
  await expect(page).toHaveURL(/\/reseller/);

  // The default price, in Settings; an amount that is not money is refused.
  await page.getByTestId('nav-settings').click();
  const defaults = page.getByTestId('resale-price');
  await expect(defaults.getByTestId('resale-in-effect')).toContainText('Not set');
  await defaults.getByTestId('resale-amount').fill('nine');
  await defaults.getByTestId('resale-save').click();
  await expect(defaults.getByTestId('resale-amount')).toHaveAttribute('aria-invalid', 'true');
  await defaults.getByTestId('resale-amount').fill('9.50');
  await defaults.getByTestId('resale-save').click();
  await expect(defaults.getByTestId('resale-in-effect')).toContainText('9.50 GBP per credit');
  await checkPage(page, 'reseller settings with the resale price');

  // The client's own price, on its page.
  await page.goto(`/reseller/clients/${clientId}`);
  const own = page.getByTestId('resale-price');
  await expect(own.getByTestId('resale-default')).toContainText('9.50 GBP');
  await expect(own.getByTestId('resale-in-effect')).toContainText('9.50 GBP per credit');
  await own.getByTestId('resale-amount').fill('12');
  await own.getByTestId('resale-save').click();
  await expect(own.getByTestId('resale-in-effect')).toContainText('12.00 GBP per credit');

  // 10 credits ordered, then 2 taken back on the client's page.
  const code = (await (await request.get(`/api/v1/clients/${clientId}`, { headers: asReseller })).json()).code;
  const order = await request.post('/api/v1/credit-orders', { headers: asReseller, data: { client_code: code, credits: 10 } });
  expect(order.status()).toBe(201);
  const placed = await order.json();
  expect(placed.resale_price_minor).toBe(1200);
  await page.reload();
  await page.getByTestId('take-back-credits').fill('2');
  await page.getByTestId('take-back-reason').fill('Not needed');
  await page.getByTestId('take-back-submit').click();
  await expect(page.getByTestId('client-balance')).toHaveText('8');
  const ledger = await (await request.get(`/api/v1/clients/${clientId}/ledger`, { headers: asReseller })).json();
  const orderMonth = String(placed.created_at).slice(0, 7);
  const returnMonth = String(ledger.data[0].created_at).slice(0, 7);

  // The statement of the order's month (a run that crosses a month's end finds the return in
  // the next one, through the month picker).
  await page.getByTestId('client-statement').click();
  await expect(page.getByTestId('statement-page')).toBeVisible();
  await page.getByTestId('statement-month').fill(orderMonth);
  await page.getByTestId('statement-month').dispatchEvent('change');
  const statement = page.locator(`[data-testid="statement"][data-period="${orderMonth}"]`);
  await expect(statement.locator('[data-testid="statement-line"][data-kind="order"]')).toContainText('120.00 GBP');
  await expect(statement.getByTestId('statement-added')).toHaveText('10');
  if (orderMonth === returnMonth) {
    await expect(statement.locator('[data-testid="statement-line"][data-kind="return"]')).toContainText('-24.00 GBP');
    await expect(statement.getByTestId('statement-total')).toHaveText('96.00 GBP');
    await expect(statement.getByTestId('statement-closing')).toHaveText('8');
  }
  await checkPage(page, 'client statement');
  const csv = await downloaded(page, 'statement-csv');
  expect(csv.name).toBe(`statement-${code}-${orderMonth}.csv`);
  expect(csv.text).toContain(',order,Credits ordered,10,12.00,120.00,GBP');

  // The printable page says the same, without the portal around it.
  await page.goto(`/reseller/clients/${clientId}/statements/${returnMonth}/print`);
  const printable = page.getByTestId('statement-print');
  await expect(printable.getByRole('heading', { level: 1 })).toContainText(code);
  await expect(printable.locator('[data-testid="statement-line"][data-kind="return"]')).toContainText('-24.00 GBP');
  await expect(page.getByTestId('nav-dashboard')).toHaveCount(0);
  await checkPage(page, 'printable client statement');

  // The dashboard: revenue at the resale price less the return; cost as invoiced.
  await page.goto('/reseller');
  const margins = await (await request.get('/api/v1/reseller/margins', { headers: asReseller })).json();
  const open = margins.months[margins.months.length - 1];
  expect(open.revenue_minor).toBe(9600);
  expect(open.credits_sold).toBe(8);
  const row = page.locator(`[data-testid="margin-row"][data-period="${open.period}"]`);
  await expect(row.getByTestId('margin-revenue')).toHaveText('96.00 GBP');
  await expect(row.getByTestId('margin-cost')).toHaveText(`${(open.cost_minor / 100).toFixed(2)} GBP`);
  await expect(row.getByTestId('margin-margin')).toHaveText(`${((9600 - open.cost_minor) / 100).toFixed(2)} GBP`);
  await checkPage(page, 'reseller dashboard with margins');
  const report = await downloaded(page, 'margins-csv');
  expect(report.text).toContain(`${open.period},8,0,96.00,${(open.cost_minor / 100).toFixed(2)},`);
});
