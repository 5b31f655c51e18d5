// Forgot password: a reset link by email, a new password, and signing in with it.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { admin, checkPage, choosePassword, login, logout, mailsTo, setPasswordLink, unique, waitForMail } from './support';

/** A reseller with one user who has already set a password, made through the API. */
async function resellerUserWithPassword(request: APIRequestContext, email: string, name: string, password: string) {
  const loginResp = await request.post('/api/v1/auth/login', { data: { email: admin.email, password: admin.password } });
  expect(loginResp.status()).toBe(200);
  const headers = { Authorization: `Bearer ${(await loginResp.json()).access_token}` };

  const brands = await request.get('/api/v1/admin/brands', { headers });
  expect(brands.status()).toBe(200);
  const brandIds = ((await brands.json()).data as { id: string }[]).slice(0, 1).map((b) => b.id);

  const reseller = await request.post('/api/v1/admin/resellers', {
    headers,
    data: {
      name: unique('Forgetful Partners'),
      contact_email: `${unique('contact')}@e2e.test`.toLowerCase(),
      discount_percent: 15,
      currency: 'EUR',
      brand_ids: brandIds,
    },
  });
  expect(reseller.status()).toBe(201);
  const resellerId = (await reseller.json()).id;

  const user = await request.post(`/api/v1/admin/resellers/${resellerId}/users`, { headers, data: { name, email } });
  expect(user.status()).toBe(201);

  const welcome = await waitForMail(email);
  const token = new URL(setPasswordLink(welcome), 'http://x').searchParams.get('token');
  const set = await request.post('/api/v1/auth/password/set', { data: { token, password } });
  expect(set.status()).toBe(204);
}

test('a user who forgot their password resets it by email and signs in', async ({ page, request }) => {
  const email = `${unique('forgetful')}@e2e.test`.toLowerCase();
  const name = `Fred ${unique('Forgetful')}`;
  const oldPassword = `Old-password-${unique('pw')}`;
  const newPassword = `New-password-${unique('pw')}`;
  await resellerUserWithPassword(request, email, name, oldPassword);
  const before = mailsTo(email);

  await page.goto('/login');
  await page.getByTestId('forgot-password-link').click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await checkPage(page, 'forgot password');
  await page.getByTestId('forgot-email').fill(email);
  await page.getByTestId('forgot-submit').click();
  await expect(page.getByTestId('forgot-sent')).toHaveText("If that email has an account, we've sent a link");
  await checkPage(page, 'reset link sent');

  // An unknown address gets the very same answer.
  await page.goto('/forgot-password');
  await page.getByTestId('forgot-email').fill(`${unique('nobody')}@e2e.test`.toLowerCase());
  await page.getByTestId('forgot-submit').click();
  await expect(page.getByTestId('forgot-sent')).toHaveText("If that email has an account, we've sent a link");

  const reset = await waitForMail(email, before);
  await page.goto(setPasswordLink(reset));
  await expect(page.getByTestId('password-policy')).toBeVisible();
  await choosePassword(page, newPassword);
  await expect(page.getByTestId('set-password-done')).toBeVisible();

  // The same link again: a clear "used or expired" page that offers a new link for this account.
  const before2 = mailsTo(email);
  await page.goto(setPasswordLink(reset));
  await choosePassword(page, `Another-password-${unique('pw')}`);
  await expect(page.getByTestId('link-dead')).toContainText('This link has been used or has expired.');
  await expect(page.getByTestId('new-password')).toHaveCount(0);
  await page.getByTestId('request-new-link').click();
  await expect(page).toHaveURL(/\/forgot-password\?email=/);
  await expect(page.getByTestId('forgot-email')).toHaveValue(email);
  await page.getByTestId('forgot-submit').click();
  await expect(page.getByTestId('forgot-sent')).toBeVisible();
  await waitForMail(email, before2);

  // The old password no longer works; the new one does.
  await login(page, email, oldPassword);
  await expect(page.getByTestId('login-error')).toHaveText('Email or password is incorrect');
  await checkPage(page, 'login error');
  await login(page, email, newPassword);
  await expect(page).toHaveURL(/\/reseller$/);
  await expect(page.getByTestId('reseller-dashboard')).toContainText(name);
  await logout(page);
});
