// A change of a client user's sign-in email waits for the new address: the editor says where
// the confirmation went, and the link mailed there confirms it once.
import { expect, test } from '@playwright/test';
import { admin, checkPage, login, logout, mailsTo, setPasswordLink, unique, waitForMail } from './support';

test('a reseller changes a client user’s email; the new address confirms it', async ({ page, request }) => {
  const adminLogin = await request.post('/api/v1/auth/login', { data: { email: admin.email, password: admin.password } });
  expect(adminLogin.status()).toBe(200);
  const adminHeaders = { Authorization: `Bearer ${(await adminLogin.json()).access_token}` };
  const brands = await request.get('/api/v1/admin/brands', { headers: adminHeaders });
  const brandIds = ((await brands.json()).data as { id: string }[]).slice(0, 1).map((b) => b.id);
  const reseller = await request.post('/api/v1/admin/resellers', {
    headers: adminHeaders,
    data: { name: unique('Changing Partners'), contact_email: `${unique('contact')}@e2e.test`.toLowerCase(), discount_percent: 10, currency: 'GBP', brand_ids: brandIds },
  });
  expect(reseller.status()).toBe(201);
  const staffEmail = `${unique('staff')}@e2e.test`.toLowerCase();
  const password = `Staff-password-${unique('pw')}`;
  const staff = await request.post(`/api/v1/admin/resellers/${(await reseller.json()).id}/users`, {
    headers: adminHeaders,
    data: { name: 'Rhea Reseller', email: staffEmail },
  });
  expect(staff.status()).toBe(201);
  const welcome = await waitForMail(staffEmail);
  const token = new URL(setPasswordLink(welcome), 'http://x').searchParams.get('token');
  expect((await request.post('/api/v1/auth/password/set', { data: { token, password } })).status()).toBe(204);
  const staffLogin = await request.post('/api/v1/auth/login', { data: { email: staffEmail, password } });
  const headers = { Authorization: `Bearer ${(await staffLogin.json()).access_token}` };
  const client = await request.post('/api/v1/clients', {
    headers,
    data: { name: unique('Moving Co'), contact_name: 'Mo Ving', contact_email: 'mo@moving.example' },
  });
  expect(client.status()).toBe(201);
  const oldEmail = `${unique('old')}@e2e.test`.toLowerCase();
  const newEmail = `${unique('new')}@e2e.test`.toLowerCase();
  const user = await request.post('/api/v1/client-users', {
    headers,
    data: { client_id: (await client.json()).id, name: 'Cam Changer', email: oldEmail },
  });
  expect(user.status()).toBe(201);
  const userId = (await user.json()).id;

  await login(page, staffEmail, password);
  await expect(page).toHaveURL(/\/reseller$/);
  await page.goto(`/reseller/client-users/${userId}`);
  await page.locator('#edit-user-email').fill(newEmail);
  const oldMails = mailsTo(oldEmail);
  await page.getByTestId('client-user-save').click();
  await expect(page.getByTestId('pending-email')).toContainText(`Confirmation sent to ${newEmail}`);
  await expect(page.locator('#edit-user-email')).toHaveValue(oldEmail);
  await checkPage(page, 'email change pending');
  // The old address is told.
  const notice = await waitForMail(oldEmail, oldMails);
  expect(notice.text).toContain(newEmail);
  await logout(page);

  const confirm = await waitForMail(newEmail);
  const m = /https?:\/\/[^\s"'<>]+\/confirm-email\?token=[^\s"'<>]+/.exec(confirm.text);
  expect(m, confirm.text).not.toBeNull();
  const url = new URL(m![0]);
  await page.goto(`${url.pathname}${url.search}`);
  await expect(page.getByTestId('confirm-email-done')).toBeVisible();
  await checkPage(page, 'email confirmed');
  // Once only.
  await page.goto(`${url.pathname}${url.search}`);
  await expect(page.getByTestId('confirm-email-dead')).toBeVisible();
});
