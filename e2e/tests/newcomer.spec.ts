// The foundation journey: the vendor sets up a skin and a reseller; the reseller's first user
// gets a welcome email, chooses a password, signs in, survives a reload, and signs out.
import { expect, test } from '@playwright/test';
import { admin, checkPage, choosePassword, login, logout, setPasswordLink, unique, waitForMail } from './support';

test('a newcomer reseller user is welcomed, sets a password and signs in', async ({ page }) => {
  const skinName = unique('Skin');
  const productName = `Assess ${skinName}`;
  const resellerName = unique('Partner');
  const userName = `Rita ${unique('Reseller')}`;
  const userEmail = `${unique('rita')}@e2e.test`.toLowerCase();
  const password = `Correct-horse-${unique('pw')}`;

  // Signed out, the start page is the branded login page.
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId('login-product-name')).not.toBeEmpty();
  await expect(page.getByLabel('Email')).toBeVisible();
  await checkPage(page, 'login');

  // The vendor signs in and lands in the admin portal.
  await login(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId('user-name')).toHaveText('E2E Admin');
  await checkPage(page, 'admin home');

  // A new brand skin.
  await page.getByTestId('nav-brands').click();
  await expect(page.getByTestId('brand-list')).toBeVisible();
  await page.getByTestId('brand-new').click();
  await page.getByTestId('brand-name').fill(skinName);
  await page.getByTestId('brand-product-name').fill(productName);
  await page.getByTestId('brand-primary').fill('#0b6e4f');
  await page.getByTestId('brand-accent').fill('#f2c14e');
  await page.getByTestId('brand-background').fill('#fbfaf5');
  await page.getByTestId('brand-text').fill('#17202a');
  await expect(page.getByTestId('brand-preview')).toContainText(productName);
  await checkPage(page, 'new brand skin');
  await page.getByTestId('brand-submit').click();
  await expect(page.getByTestId('toast').filter({ hasText: skinName })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/brands\/[^/]+$/);
  await expect(page.getByTestId('brand-title')).toHaveText(skinName);
  await checkPage(page, 'brand skin');
  await page.getByTestId('nav-brands').click();
  await expect(page.getByTestId('brand-row').filter({ hasText: skinName })).toBeVisible();
  await checkPage(page, 'brand skins');

  // A reseller allowed to use that skin.
  await page.getByTestId('nav-resellers').click();
  await page.getByTestId('reseller-new').click();
  await page.getByTestId('reseller-name').fill(resellerName);
  await page.getByTestId('reseller-contact-email').fill(`${unique('contact')}@e2e.test`.toLowerCase());
  await page.getByTestId('reseller-discount').fill('20');
  await page.getByTestId('reseller-currency').selectOption('GBP');
  await page.getByLabel(skinName).check();
  await page.getByTestId('reseller-submit').click();
  await expect(page).toHaveURL(/\/admin\/resellers\/[^/]+$/);
  await expect(page.getByTestId('reseller-title')).toHaveText(resellerName);
  await expect(page.getByLabel(skinName)).toBeChecked();
  await expect(page.getByTestId('reseller-discount')).toHaveValue('20');

  // Its first user; the API sends the welcome email.
  await page.getByTestId('new-user-name').fill(userName);
  await page.getByTestId('new-user-email').fill(userEmail);
  await page.getByTestId('add-user-submit').click();
  await expect(page.getByTestId('toast').filter({ hasText: `Welcome email sent to ${userEmail}` })).toBeVisible();
  await expect(page.getByTestId('reseller-user-row').filter({ hasText: userEmail })).toBeVisible();
  await checkPage(page, 'reseller');

  const welcome = await waitForMail(userEmail);
  expect(`${welcome.subject}\n${welcome.text}`).toMatch(/welcome/i);
  const link = setPasswordLink(welcome);

  await logout(page);

  // The link from the email: the policy, a refused short password, then a good one.
  await page.goto(link);
  const policy = page.getByTestId('password-policy');
  await expect(policy).toContainText('at least 10 characters');
  await expect(policy).toContainText('not your email');
  await expect(policy).toContainText('not a common password');
  await checkPage(page, 'set password');
  await choosePassword(page, 'short1');
  await expect(page.getByTestId('field-error-password')).toBeVisible();
  await expect(page.getByTestId('field-error-password')).not.toBeEmpty();
  await expect(page.getByTestId('set-password-done')).toHaveCount(0);
  await choosePassword(page, password);
  await expect(page.getByTestId('set-password-done')).toBeVisible();
  await page.getByTestId('go-to-login').click();
  await expect(page).toHaveURL(/\/login$/);

  // The reseller user signs in to the reseller portal.
  await login(page, userEmail, password);
  await expect(page).toHaveURL(/\/reseller$/);
  await expect(page.getByTestId('reseller-dashboard')).toContainText(userName);
  await expect(page.getByTestId('user-name')).toHaveText(userName);
  await checkPage(page, 'reseller dashboard');

  // A reload keeps the session (silent refresh from the HttpOnly cookie).
  await page.reload();
  await expect(page).toHaveURL(/\/reseller$/);
  await expect(page.getByTestId('reseller-dashboard')).toContainText(userName);

  // The admin portal is not theirs.
  await page.goto('/admin/resellers');
  await expect(page).toHaveURL(/\/reseller$/);

  await logout(page);
  await page.reload();
  await expect(page).toHaveURL(/\/login$/);
});
