// Rough edges a new reseller trips over (issue 13): signing out during Login As, the client code
// lookup while typing, a refused logo, toasts, the 404 page, the signed-out page load and the page
// shown before the app has loaded.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { admin, checkPage, DESKTOP, login, logout, setPasswordLink, unique, waitForMail } from './support';

type Headers = { Authorization: string };

interface Setup {
  resellerName: string;
  resellerEmail: string;
  resellerPassword: string;
  clientName: string;
  clientCode: string;
  clientUserName: string;
  clientUserEmail: string;
}

async function signIn(request: APIRequestContext, email: string, password: string): Promise<Headers> {
  const resp = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(resp.status(), await resp.text()).toBe(200);
  return { Authorization: `Bearer ${(await resp.json()).access_token}` };
}

async function setPasswordFromWelcome(request: APIRequestContext, email: string, password: string): Promise<void> {
  const token = new URL(setPasswordLink(await waitForMail(email)), 'http://x').searchParams.get('token');
  const set = await request.post('/api/v1/auth/password/set', { data: { token, password } });
  expect(set.status(), await set.text()).toBe(204);
}

/** Over the API: a reseller with a password, a client and a client user who can sign in. */
async function setUp(request: APIRequestContext): Promise<Setup> {
  const vendor = await signIn(request, admin.email, admin.password);
  const reseller = await request.post('/api/v1/admin/resellers', {
    headers: vendor,
    data: {
      name: unique('Edge Partners'),
      contact_email: `${unique('edge')}@e2e.test`.toLowerCase(),
      discount_percent: 10,
      currency: 'GBP',
    },
  });
  expect(reseller.status(), await reseller.text()).toBe(201);
  const resellerName = `Rex ${unique('Reseller')}`;
  const resellerEmail = `${unique('rex')}@e2e.test`.toLowerCase();
  const resellerPassword = `Reseller-pass-${unique('pw')}`;
  const user = await request.post(`/api/v1/admin/resellers/${(await reseller.json()).id}/users`, {
    headers: vendor,
    data: { name: resellerName, email: resellerEmail },
  });
  expect(user.status(), await user.text()).toBe(201);
  await setPasswordFromWelcome(request, resellerEmail, resellerPassword);
  const asReseller = await signIn(request, resellerEmail, resellerPassword);

  const clientName = unique('Initech');
  const client = await request.post('/api/v1/clients', {
    headers: asReseller,
    data: { name: clientName, contact_name: 'Ivy Contact', contact_email: `${unique('ivy')}@e2e.test`.toLowerCase() },
  });
  expect(client.status(), await client.text()).toBe(201);
  const { id: clientId, code: clientCode } = await client.json();
  const clientUserName = `Cody ${unique('Client')}`;
  const clientUserEmail = `${unique('cody')}@e2e.test`.toLowerCase();
  const clientUser = await request.post('/api/v1/client-users', {
    headers: asReseller,
    data: { client_id: clientId, name: clientUserName, email: clientUserEmail },
  });
  expect(clientUser.status(), await clientUser.text()).toBe(201);
  await setPasswordFromWelcome(request, clientUserEmail, `Client-pass-${unique('pw')}`);
  return { resellerName, resellerEmail, resellerPassword, clientName, clientCode, clientUserName, clientUserEmail };
}

/** Every response with status 401 the page receives from now on. */
function collect401s(page: Page): string[] {
  const seen: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 401) seen.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  return seen;
}

test('signed out: no 401 on a page load, a neutral loading page, a branded 404', async ({ page }) => {
  const unauthorised = collect401s(page);
  // Hold the app back to see what index.html shows on its own.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/pkg/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/login', { waitUntil: 'domcontentloaded' });
  const preload = page.getByTestId('preload');
  await expect(preload).toBeVisible();
  await expect(preload).toHaveText('Loading…');
  expect(await page.locator('body').innerText()).not.toContain('Credence');
  release();
  await expect(page.getByTestId('login-submit')).toBeVisible();
  await expect(preload).toHaveCount(0);
  await page.unroute('**/pkg/*.wasm');

  // Reloads and other signed-out pages never ask for a session that cannot exist.
  await page.reload();
  await expect(page.getByTestId('login-submit')).toBeVisible();
  await page.goto('/forgot-password');
  await expect(page.getByTestId('back-to-login')).toBeVisible();
  await checkPage(page, 'forgot password');

  // An unknown address: the skin's signed-out frame (product name), and a way on.
  await page.goto('/no-such-page');
  await expect(page.getByTestId('not-found')).toBeVisible();
  await expect(page.getByTestId('login-product-name')).not.toBeEmpty();
  await checkPage(page, 'not found');
  await page.getByTestId('not-found-home').click();
  await expect(page).toHaveURL(/\/login$/);
  await checkPage(page, 'login');
  expect(unauthorised).toEqual([]);
});

test('Log out during Login As returns to the reseller; Log out there signs the reseller out', async ({ page, request }) => {
  const s = await setUp(request);
  await login(page, s.resellerEmail, s.resellerPassword);
  await expect(page).toHaveURL(/\/reseller$/);
  // The skip link sits above the page unfocused; its shadow must not smudge the top of the page.
  expect(await page.locator('.skip-link').evaluate((el) => getComputedStyle(el).boxShadow)).toBe('none');

  await page.getByTestId('nav-client-users').click();
  await page.getByTestId(`login-as-${s.clientUserEmail}`).click();
  await expect(page).toHaveURL(/\/client$/);
  await expect(page.getByTestId('impersonation-banner')).toContainText(`Viewing as ${s.clientUserName} (${s.clientName})`);
  await checkPage(page, 'client dashboard during Login As');

  const ended = page.waitForResponse((r) => r.url().endsWith('/auth/impersonation/end') && r.request().method() === 'POST');
  await page.getByTestId('logout').click();
  expect((await ended).status()).toBeLessThan(300);
  await expect(page).toHaveURL(/\/reseller\/client-users$/);
  await expect(page.getByTestId('impersonation-banner')).toHaveCount(0);
  await expect(page.getByTestId('user-name')).toHaveText(s.resellerName);
  // Still signed in as the reseller after a reload.
  await page.reload();
  await expect(page.getByTestId('user-name')).toHaveText(s.resellerName);

  // On a phone the list scrolls sideways inside its card; the email is not broken over lines.
  await page.setViewportSize({ width: 390, height: 844 });
  const emailCell = page.getByTestId('client-user-row').filter({ hasText: s.clientUserEmail }).locator('td.email');
  const lines = await emailCell.evaluate((td) => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return range.getClientRects().length;
  });
  expect(lines).toBe(1);
  await page.setViewportSize(DESKTOP);

  await logout(page);
  await page.goto('/reseller');
  await expect(page).toHaveURL(/\/login$/);
});

test('Credits Order calls a code unknown only when it is complete or the field is left', async ({ page, request }) => {
  const s = await setUp(request);
  await login(page, s.resellerEmail, s.resellerPassword);
  await expect(page).toHaveURL(/\/reseller$/);
  await page.goto('/reseller/credit-orders/new');
  const field = page.getByTestId('order-client-code');
  const prefix = s.clientCode.slice(0, s.clientCode.length - 2);

  // Part of the code, typed as a person types: no red error, even after the lookups answered.
  const answered = page.waitForResponse((r) => r.url().includes('/clients') && r.url().includes('code='));
  await field.pressSequentially(prefix, { delay: 80 });
  await answered;
  await page.waitForTimeout(600);
  await expect(page.getByTestId('order-client-missing')).toHaveCount(0);
  await expect(page.getByTestId('order-client-incomplete')).toBeVisible();

  // Leaving the field: now it may say so.
  await page.getByTestId('order-credits').focus();
  await expect(page.getByTestId('order-client-missing')).toHaveText('No client with this code');

  // Completing the code finds the client.
  await field.press('End');
  await field.pressSequentially(s.clientCode.slice(prefix.length), { delay: 80 });
  await expect(page.getByTestId('order-client-name')).toHaveText(s.clientName);
  await expect(page.getByTestId('order-client-missing')).toHaveCount(0);

  // A whole code that names no client is unknown at once, without leaving the field.
  await field.fill('');
  await field.pressSequentially('ZZZZ-9999', { delay: 40 });
  await expect(page.getByTestId('order-client-missing')).toHaveText('No client with this code');
  await checkPage(page, 'credit order form');
});

test('a refused logo is not previewed, its error stays, and Save creates the client', async ({ page, request }) => {
  const s = await setUp(request);
  await login(page, s.resellerEmail, s.resellerPassword);
  await expect(page).toHaveURL(/\/reseller$/);
  await page.goto('/reseller/clients/new');
  const file = page.getByTestId('client-logo-file');

  // An SVG: refused by type.
  await file.setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
  await expect(page.getByTestId('client-logo-file-error')).toHaveText(/PNG, JPEG or WebP/);
  await expect(page.getByTestId('client-logo-file-preview')).toHaveCount(0);

  // A "PNG" that is not one: refused by its contents.
  await file.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('this is not an image at all') });
  await expect(page.getByTestId('client-logo-file-error')).toHaveText(/not a PNG, JPEG or WebP image/);
  await expect(page.getByTestId('client-logo-file-preview')).toHaveCount(0);
  await expect(file).toHaveAttribute('aria-invalid', 'true');
  expect(await file.evaluate((el: HTMLInputElement) => el.files?.length ?? 0)).toBe(0);

  // A form sent with a field missing: the summary toast appears once however often Save is pressed.
  await page.getByTestId('client-submit').click();
  await expect(page.getByTestId('field-error-name')).toBeVisible();
  await page.getByTestId('client-submit').click();
  await page.waitForLoadState('networkidle');
  await expect(page.getByTestId('toast').filter({ hasText: 'Some fields need attention' })).toHaveCount(1);
  await checkPage(page, 'client form with a refused logo');

  // Save works for the other fields; the client has no logo.
  const name = unique('Logoless Ltd');
  await page.getByTestId('client-name').fill(name);
  await page.getByTestId('client-contact-name').fill('Lou Contact');
  await page.getByTestId('client-contact-email').fill(`${unique('lou')}@e2e.test`.toLowerCase());
  await page.getByTestId('client-submit').click();
  await expect(page).toHaveURL(/\/reseller\/clients\/(?!new$)[^/]+$/);
  await expect(page.getByTestId('client-title')).toHaveText(name);
  await expect(page.getByTestId('client-no-logo')).toBeVisible();
});
