// Forgot password: a reset link by email, a new password, and signing in with it.
import { expect, test } from '@playwright/test';
import { checkPage, choosePassword, login, logout, mailsTo, resellerUserWithPassword, setPasswordLink, unique, waitForMail } from './support';

test('a user who forgot their password resets it by email and signs in', async ({ page, request }) => {
  const email = `${unique('forgetful')}@e2e.test`.toLowerCase();
  const name = `Fred ${unique('Forgetful')}`;
  const oldPassword = `Old-password-${unique('pw')}`;
  const newPassword = `New-password-${unique('pw')}`;
  await resellerUserWithPassword(request, unique('Forgetful Partners'), { name, email, password: oldPassword });
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
