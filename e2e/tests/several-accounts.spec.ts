// One person, several accounts — the help article's "try adding yourself as a client user to see
// what happens!": a reseller user adds themself as a user of their client with their own email,
// receives the welcome email, sets a password, and at sign-in chooses which account to open.
import { expect, test, type Page } from '@playwright/test';
import { checkPage, choosePassword, login, logout, mailsTo, resellerUserWithPassword, setPasswordLink, unique, waitForMail } from './support';

/** Signs in with an email that has two accounts with this password and picks one by role. */
async function signInAs(page: Page, email: string, password: string, role: 'client_user' | 'reseller') {
  await login(page, email, password);
  const chooser = page.getByTestId('account-chooser');
  await expect(chooser).toBeVisible();
  await expect(chooser.getByTestId('account-choice')).toHaveCount(2);
  await chooser.locator(`[data-testid="account-choice"][data-role="${role}"]`).click();
}

test('a reseller user adds themself as a client user and chooses the account at sign-in', async ({ page, request }) => {
  test.setTimeout(90_000);
  const resellerName = unique('Selfie Partners');
  const name = `Rory ${unique('Reseller')}`;
  const email = `${unique('rory')}@e2e.test`.toLowerCase();
  const password = `Rory-pass-${unique('pw')}`;
  await resellerUserWithPassword(request, resellerName, { name, email, password });

  // The reseller user signs in (one account so far: no question) and has a client.
  await login(page, email, password);
  await expect(page).toHaveURL(/\/reseller$/);
  const clientName = unique('Selfie Ltd');
  await page.getByTestId('nav-clients').click();
  await page.getByTestId('client-create').click();
  await page.getByTestId('client-name').fill(clientName);
  await page.getByTestId('client-contact-name').fill('Ada Contact');
  await page.getByTestId('client-contact-email').fill(`${unique('ada')}@e2e.test`.toLowerCase());
  await page.getByTestId('client-submit').click();
  await expect(page.getByTestId('client-title')).toHaveText(clientName);

  // "Try adding yourself as a client user to see what happens!"
  const before = mailsTo(email);
  await page.getByTestId('add-client-user').click();
  await expect(page.getByTestId('client-user-client').locator('option:checked')).toContainText(clientName);
  await page.getByTestId('client-user-name').fill(name);
  await page.getByTestId('client-user-email').fill(email);
  await page.getByTestId('client-user-submit').click();
  await expect(page.getByTestId('client-user-row').filter({ hasText: email })).toBeVisible();
  await logout(page);

  // The welcome email of the new client account; its password is the same one.
  const welcome = await waitForMail(email, before);
  await page.goto(setPasswordLink(welcome));
  await choosePassword(page, password);
  await expect(page.getByTestId('set-password-done')).toBeVisible();

  // Signing in now asks which account to open: the client account lands in the client portal.
  await login(page, email, password);
  const chooser = page.getByTestId('account-chooser');
  await expect(chooser).toBeVisible();
  await expect(chooser.locator('[data-role="client_user"]')).toHaveText(`Client user at ${clientName}`);
  await expect(chooser.locator('[data-role="reseller"]')).toHaveText(`Reseller user at ${resellerName}`);
  await checkPage(page, 'account chooser');
  await chooser.locator('[data-role="client_user"]').click();
  await expect(page).toHaveURL(/\/client$/);
  await expect(page.getByTestId('client-dashboard')).toBeVisible();
  await expect(page.getByTestId('client-name')).toHaveText(clientName);
  await logout(page);

  // "Use another email" goes back to the form; a wrong password is told apart from nothing.
  await login(page, email, password);
  await page.getByTestId('account-choice-back').click();
  await expect(page.getByTestId('login-form')).toBeVisible();
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(`wrong-${password}`);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toHaveText('Email or password is incorrect');

  // And the reseller account lands in the reseller portal.
  await signInAs(page, email, password, 'reseller');
  await expect(page).toHaveURL(/\/reseller$/);
  await expect(page.getByTestId('reseller-dashboard')).toContainText(name);
  await logout(page);
});
