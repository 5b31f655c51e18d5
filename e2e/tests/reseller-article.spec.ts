// The help article "Reseller: How to Resell Tests to Clients", performed in the browser: a reseller
// creates a client (skin, logo, starting credits), adds its client user (welcome email with the
// Quick Start Guide), orders credits with the client code, sees the invoice, logs in as the client
// user and returns; the client user then signs in and finds the Login As in their activity.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { admin, checkPage, choosePassword, login, logout, setPasswordLink, unique, waitForMail } from './support';

// A 1×1 PNG; the API decodes and re-encodes logos, so it has to be a real image.
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

interface ResellerSetup {
  skinId: string;
  skinProductName: string;
  userName: string;
  email: string;
  password: string;
}

/** The vendor's part, through the API: list price, a custom skin, a reseller and its first user. */
async function vendorSetsUpReseller(request: APIRequestContext): Promise<ResellerSetup> {
  const loginResp = await request.post('/api/v1/auth/login', { data: { email: admin.email, password: admin.password } });
  expect(loginResp.status()).toBe(200);
  const headers = { Authorization: `Bearer ${(await loginResp.json()).access_token}` };

  const settings = await request.patch('/api/v1/admin/settings', {
    headers,
    data: { list_price_minor: 500, currency: 'GBP' },
  });
  expect(settings.status()).toBe(200);

  const skinName = unique('Partner skin');
  const skinProductName = `Assess ${skinName}`;
  const skin = await request.post('/api/v1/admin/brands', {
    headers,
    data: {
      name: skinName,
      product_name: skinProductName,
      primary_color: '#0b6e4f',
      accent_color: '#f2c14e',
      background_color: '#fbfaf5',
      text_color: '#17202a',
    },
  });
  expect(skin.status()).toBe(201);
  const skinId = (await skin.json()).id as string;

  const reseller = await request.post('/api/v1/admin/resellers', {
    headers,
    data: {
      name: unique('Resell Partners'),
      contact_email: `${unique('contact')}@e2e.test`.toLowerCase(),
      discount_percent: 20,
      currency: 'GBP',
      brand_ids: [skinId],
    },
  });
  expect(reseller.status()).toBe(201);
  const resellerId = (await reseller.json()).id as string;

  const userName = `Rhea ${unique('Reseller')}`;
  const email = `${unique('rhea')}@e2e.test`.toLowerCase();
  const password = `Reseller-pass-${unique('pw')}`;
  const user = await request.post(`/api/v1/admin/resellers/${resellerId}/users`, { headers, data: { name: userName, email } });
  expect(user.status()).toBe(201);
  const welcome = await waitForMail(email);
  const token = new URL(setPasswordLink(welcome), 'http://x').searchParams.get('token');
  const set = await request.post('/api/v1/auth/password/set', { data: { token, password } });
  expect(set.status()).toBe(204);
  return { skinId, skinProductName, userName, email, password };
}

test('a reseller resells tests to a new client, as the help article describes', async ({ browser, page, request }) => {
  test.setTimeout(120_000);
  const reseller = await vendorSetsUpReseller(request);
  const clientName = unique('Acme Ltd');
  const clientUserName = `Cleo ${unique('Client')}`;
  const clientUserEmail = `${unique('cleo')}@e2e.test`.toLowerCase();
  const clientUserPassword = `Client-pass-${unique('pw')}`;

  // 1. Log into the reseller account.
  await login(page, reseller.email, reseller.password);
  await expect(page).toHaveURL(/\/reseller$/);

  // 2–3. Clients > Create, the form, Save.
  await page.getByTestId('nav-clients').click();
  await expect(page.getByTestId('client-list')).toBeVisible();
  await checkPage(page, 'clients');
  await page.getByTestId('client-create').click();
  await expect(page).toHaveURL(/\/reseller\/clients\/new$/);
  await expect(page.getByTestId('mandatory-note')).toContainText('are mandatory');
  await page.getByTestId('client-name').fill(clientName);
  await page.getByTestId('client-contact-name').fill('Ada Contact');
  await page.getByTestId('client-contact-email').fill(`${unique('ada')}@e2e.test`.toLowerCase());
  const brandSelect = page.getByTestId('client-brand');
  await expect(brandSelect.locator('option', { hasText: '(default)' })).toHaveCount(1);
  await brandSelect.selectOption(reseller.skinId);
  await page.getByTestId('client-logo-file').setInputFiles({ name: 'acme.png', mimeType: 'image/png', buffer: TINY_PNG });
  await expect(page.getByTestId('client-logo-file-preview')).toBeVisible();
  await checkPage(page, 'new client');
  await expect(page.getByTestId('client-initial-credits')).toHaveValue('0');
  await page.getByTestId('client-initial-credits').fill('50');
  // "Default Credit Threshold Value: Leave this as default." — prefilled with the platform's setting.
  const adminToken = (await (await request.post('/api/v1/auth/login', { data: { email: admin.email, password: admin.password } })).json()).access_token;
  const platform = await (await request.get('/api/v1/admin/settings', { headers: { Authorization: `Bearer ${adminToken}` } })).json();
  await expect(page.getByTestId('client-credit-threshold')).toHaveValue(String(platform.default_credit_threshold));
  await page.getByTestId('client-submit').click();

  await expect(page).toHaveURL(/\/reseller\/clients\/(?!new$)[^/]+$/);
  await expect(page.getByTestId('client-title')).toHaveText(clientName);
  const code = (await page.getByTestId('client-code').textContent())?.trim() ?? '';
  expect(code).toMatch(/^[A-Z0-9]+(-[A-Z0-9]+)+$/);
  await expect(page.getByTestId('client-balance')).toHaveText('50');
  await expect(page.getByTestId('client-brand-name')).toContainText(/./);
  await expect(page.getByTestId('client-logo')).toBeVisible();
  const clientUrl = page.url();
  await checkPage(page, 'client');

  // 4. Client Users > Create; Save sends the welcome email.
  await page.getByTestId('nav-client-users').click();
  await page.getByTestId('client-user-create').click();
  await expect(page).toHaveURL(/\/reseller\/client-users\/new/);
  const clientSelect = page.getByTestId('client-user-client');
  await expect(clientSelect.locator('option', { hasText: code })).toHaveCount(1);
  await clientSelect.selectOption({ label: `${clientName} (${code})` });
  await page.getByTestId('client-user-name').fill(clientUserName);
  await page.getByTestId('client-user-email').fill(clientUserEmail);
  await page.getByTestId('client-user-job-title').fill('Recruitment manager');
  await checkPage(page, 'new client user');
  await page.getByTestId('client-user-submit').click();
  await expect(page.getByTestId('toast').filter({ hasText: `Welcome email sent to ${clientUserEmail}` })).toBeVisible();
  await expect(page.getByTestId('client-user-row').filter({ hasText: clientUserEmail })).toBeVisible();
  await checkPage(page, 'client users');

  const welcome = await waitForMail(clientUserEmail);
  const clientSetPassword = setPasswordLink(welcome);
  expect(welcome.text).toContain('Quick Start Guide');
  expect(welcome.text).toMatch(/https?:\/\/\S+\/client\/quick-start/);

  // 5. Credits Order > Create. First a bad order: field errors, nothing added.
  await page.getByTestId('nav-credit-orders').click();
  await expect(page.getByTestId('credit-order-list')).toBeVisible();
  await checkPage(page, 'credit orders');
  await page.getByTestId('credit-order-create').click();
  await page.getByTestId('order-client-code').fill('NOPE-0000');
  await expect(page.getByTestId('order-client-missing')).toHaveText('No client with this code');
  await page.getByTestId('order-credits').fill('0');
  await page.getByTestId('credit-order-submit').click();
  await expect(page.getByTestId('field-error-client_code')).toBeVisible();
  await expect(page.getByTestId('field-error-credits')).toBeVisible();
  await expect(page).toHaveURL(/\/reseller\/credit-orders\/new$/);

  // The client's name appears as its code is typed.
  await page.getByTestId('order-client-code').fill('');
  await page.getByTestId('order-client-code').pressSequentially(code.toLowerCase(), { delay: 30 });
  await expect(page.getByTestId('order-client-name')).toHaveText(clientName);
  await checkPage(page, 'new credit order');
  await page.getByTestId('order-credits').fill('200');
  await page.getByTestId('order-po-reference').fill('PO-1234');
  await page.getByTestId('credit-order-submit').click();
  await expect(page.getByTestId('toast').filter({ hasText: `200 credits added to ${clientName} (${code})` })).toBeVisible();
  await expect(page).toHaveURL(/\/reseller\/credit-orders$/);
  // The initial credits and this order; the bad attempt added nothing.
  await expect(page.getByTestId('credit-order-row').and(page.locator(`[data-code="${code}"]`))).toHaveCount(2);
  await expect(page.getByTestId('orders-total-credits')).toHaveText('250');
  await expect(page.getByTestId('orders-total-amount')).toHaveText('1000.00 GBP');

  await page.goto(clientUrl);
  await expect(page.getByTestId('client-balance')).toHaveText('250');
  await expect(page.getByTestId('ledger-row')).toHaveCount(2);

  // The vendor invoices the reseller: 200 × 500 minor × (1 − 20 %) = 80000 minor.
  await page.getByTestId('nav-invoices').click();
  const invoiceRow = page.getByTestId('invoice-row').first();
  await expect(invoiceRow).toHaveAttribute('data-status', 'draft');
  await expect(invoiceRow.getByTestId('invoice-total')).toHaveText('1000.00 GBP');
  await checkPage(page, 'invoices');
  await invoiceRow.getByRole('link').click();
  await expect(page.getByTestId('invoice-detail')).toBeVisible();
  await expect(page.getByTestId('invoice-line-amount').filter({ hasText: '800.00 GBP' })).toHaveCount(1);
  await expect(page.getByTestId('invoice-line-amount').filter({ hasText: '200.00 GBP' })).toHaveCount(1);
  await expect(page.getByTestId('invoice-lines-credits')).toHaveText('250');
  await checkPage(page, 'invoice');

  // The client user chooses a password from the welcome email, in their own browser (Login As
  // is for users who can sign in).
  const clientContext = await browser.newContext();
  const clientPage = await clientContext.newPage();
  await clientPage.goto(clientSetPassword);
  await choosePassword(clientPage, clientUserPassword);
  await expect(clientPage.getByTestId('set-password-done')).toBeVisible();
  await clientContext.close();

  // Tip: Client Users > Login As, to see what the client sees.
  await page.getByTestId('nav-client-users').click();
  await page.getByTestId(`login-as-${clientUserEmail}`).click();
  await expect(page).toHaveURL(/\/client$/);
  const banner = page.getByTestId('impersonation-banner');
  await expect(banner).toContainText(`Viewing as ${clientUserName} (${clientName})`);
  await expect(page.getByTestId('client-name')).toHaveText(clientName);
  await expect(page.getByTestId('client-balance')).toHaveText('250');
  await expect(page.getByTestId('user-name')).toHaveText(clientUserName);
  await checkPage(page, 'client dashboard (Login As)');

  // A reload inside the 30 minutes keeps viewing as the client user.
  await page.reload();
  await expect(banner).toBeVisible();
  await expect(page.getByTestId('client-balance')).toHaveText('250');
  await page.getByTestId('nav-password').click();
  await expect(page.getByTestId('password-impersonation-note')).toBeVisible();
  await checkPage(page, 'change password (Login As)');

  // Return to reseller: back without signing in again.
  await page.getByTestId('return-to-reseller').click();
  await expect(page).toHaveURL(/\/reseller\/client-users$/);
  await expect(page.getByTestId('impersonation-banner')).toHaveCount(0);
  await expect(page.getByTestId('user-name')).toHaveText(reseller.userName);
  await expect(page.getByTestId('client-user-list')).toBeVisible();
  await page.reload();
  await expect(page).toHaveURL(/\/reseller\/client-users$/);
  await expect(page.getByTestId('impersonation-banner')).toHaveCount(0);
  await logout(page);

  // The client user signs in.
  await login(page, clientUserEmail, clientUserPassword);
  await expect(page).toHaveURL(/\/client$/);
  await expect(page.getByTestId('client-name')).toHaveText(clientName);
  await expect(page.getByTestId('client-balance')).toHaveText('250');

  // Their activity log shows that the reseller logged in as them.
  await page.getByTestId('nav-activity').click();
  const started = page.getByTestId('audit-row').and(page.locator('[data-action="impersonation.started"]'));
  await expect(started).toHaveCount(1);
  await expect(started.getByTestId('audit-event')).toHaveText(
    `${reseller.userName} (reseller) logged in as ${clientUserName} — impersonation.started`,
  );
  // And what was done as them: the pages opened during the Login As, request by request.
  const requested = page.getByTestId('audit-row').and(page.locator('[data-action="impersonation.request"]'));
  await expect(requested.filter({ hasText: `${reseller.userName} (reseller) as ${clientUserName}: GET /me` }).first()).toBeVisible();
  await checkPage(page, 'client activity');

  // The Quick Start Guide from the email is there.
  await page.getByTestId('nav-quick-start').click();
  await expect(page.getByTestId('quick-start')).toContainText('Create a project');
  await checkPage(page, 'quick start guide');
  await logout(page);
});

test('a reseller manages a client; the client user manages their colleagues and password', async ({ page, request }) => {
  test.setTimeout(120_000);
  const reseller = await vendorSetsUpReseller(request);
  const clientName = unique('Globex');
  const userEmail = `${unique('gina')}@e2e.test`.toLowerCase();
  const colleagueEmail = `${unique('colin')}@e2e.test`.toLowerCase();
  const firstPassword = `Client-first-${unique('pw')}`;
  const secondPassword = `Client-second-${unique('pw')}`;

  await login(page, reseller.email, reseller.password);
  await expect(page).toHaveURL(/\/reseller$/);
  await page.getByTestId('quick-create-client').click();
  await page.getByTestId('client-name').fill(clientName);
  await page.getByTestId('client-contact-name').fill('Gina Contact');
  await page.getByTestId('client-contact-email').fill(`${unique('gc')}@e2e.test`.toLowerCase());
  await page.getByTestId('client-initial-credits').fill('30');
  await page.getByTestId('client-submit').click();
  await expect(page.getByTestId('client-balance')).toHaveText('30');

  // Suspend asks first; Cancel changes nothing, Confirm suspends; then reactivate.
  await page.getByTestId('client-suspend').click();
  await page.getByTestId('client-suspend-cancel').click();
  await expect(page.getByTestId('client-status')).toHaveText('Active');
  await page.getByTestId('client-suspend').click();
  await page.getByTestId('client-suspend-confirm').click();
  await expect(page.getByTestId('client-status')).toHaveText('Suspended');
  await page.getByTestId('client-reactivate').click();
  await page.getByTestId('client-reactivate-confirm').click();
  await expect(page.getByTestId('client-status')).toHaveText('Active');

  // Taking back more than the balance is refused next to the field; a valid amount is booked.
  await page.getByTestId('take-back-credits').fill('31');
  await page.getByTestId('take-back-reason').fill('Trial ended');
  await page.getByTestId('take-back-submit').click();
  await expect(page.getByTestId('field-error-credits')).toBeVisible();
  await expect(page.getByTestId('client-balance')).toHaveText('30');
  await page.getByTestId('take-back-credits').fill('25');
  await page.getByTestId('take-back-submit').click();
  await expect(page.getByTestId('client-balance')).toHaveText('5');
  await expect(page.getByTestId('low-credit').first()).toBeVisible();
  await expect(page.getByTestId('ledger-row').and(page.locator('[data-kind="adjustment"]'))).toHaveCount(1);

  // "Add user" from the client page preselects the client.
  await page.getByTestId('add-client-user').click();
  await expect(page.getByTestId('client-user-client').locator('option:checked')).toContainText(clientName);
  await page.getByTestId('client-user-name').fill('Gina User');
  await page.getByTestId('client-user-email').fill(userEmail);
  await page.getByTestId('client-user-submit').click();
  await expect(page.getByTestId('toast').filter({ hasText: `Welcome email sent to ${userEmail}` })).toBeVisible();
  const welcome = await waitForMail(userEmail);

  // The reseller is credited what it paid for the 25 credits taken back: a negative line on its
  // draft invoice, under the line for the 30 it bought.
  await page.getByTestId('nav-invoices').click();
  await page.getByTestId('invoice-row').first().getByRole('link').click();
  await expect(page.getByTestId('invoice-line-amount')).toHaveCount(2);
  await expect(page.getByTestId('invoice-line-amount').filter({ hasText: /^-\d/ })).toHaveCount(1);
  await logout(page);

  await page.goto(setPasswordLink(welcome));
  await choosePassword(page, firstPassword);
  await expect(page.getByTestId('set-password-done')).toBeVisible();
  await login(page, userEmail, firstPassword);
  await expect(page).toHaveURL(/\/client$/);
  await expect(page.getByTestId('dashboard-balance')).toHaveText('5');
  await expect(page.getByTestId('low-credit')).toBeVisible();

  // Their credits page shows the ledger, their users page adds a colleague.
  await page.getByTestId('nav-credits').click();
  await expect(page.getByTestId('low-credit-warning')).toBeVisible();
  await expect(page.getByTestId('ledger-row')).toHaveCount(2);
  await checkPage(page, 'client credits');
  await page.getByTestId('nav-users').click();
  await page.getByTestId('colleague-name').fill('Colin Colleague');
  await page.getByTestId('colleague-email').fill(colleagueEmail);
  await page.getByTestId('client-add-user-submit').click();
  await expect(page.getByTestId('toast').filter({ hasText: `Welcome email sent to ${colleagueEmail}` })).toBeVisible();
  await checkPage(page, 'client colleagues');
  await waitForMail(colleagueEmail);
  const colleagueRow = page.getByTestId('client-user-row').filter({ hasText: colleagueEmail });
  await expect(colleagueRow).toHaveAttribute('data-status', 'invited');
  await page.getByTestId(`deactivate-${colleagueEmail}`).click();
  await page.getByTestId(`deactivate-${colleagueEmail}-confirm`).click();
  await expect(colleagueRow).toHaveAttribute('data-status', 'deactivated');

  // Changing the password: a wrong current password is refused, then the new one works.
  await page.getByTestId('nav-password').click();
  await page.getByTestId('current-password').fill('not-my-password');
  await page.getByTestId('new-password').fill(secondPassword);
  await page.getByTestId('confirm-new-password').fill(secondPassword);
  await page.getByTestId('change-password-submit').click();
  await expect(page.getByTestId('field-error-current_password')).toBeVisible();
  await page.getByTestId('current-password').fill(firstPassword);
  await page.getByTestId('change-password-submit').click();
  await expect(page.getByTestId('password-changed')).toBeVisible();
  await logout(page);
  await login(page, userEmail, firstPassword);
  await expect(page.getByTestId('login-error')).toHaveText('Email or password is incorrect');
  await login(page, userEmail, secondPassword);
  await expect(page).toHaveURL(/\/client$/);
});
