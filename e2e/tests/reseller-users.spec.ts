// A reseller administers its own staff (issue 7, item 11): a reseller user deactivates a colleague
// who is viewing as a client user (Login As); the colleague's next step sends them to sign in. The
// trail the colleague left reads in words in the reseller's audit log and in the client's activity.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { admin, checkPage, login, logout, setPasswordLink, unique, waitForMail } from './support';

type Headers = { Authorization: string };

interface Person {
  name: string;
  email: string;
  password: string;
}

async function signIn(request: APIRequestContext, email: string, password: string): Promise<Headers> {
  const resp = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(resp.status(), await resp.text()).toBe(200);
  return { Authorization: `Bearer ${(await resp.json()).access_token}` };
}

async function setPasswordFromWelcome(request: APIRequestContext, who: Person): Promise<void> {
  const token = new URL(setPasswordLink(await waitForMail(who.email)), 'http://x').searchParams.get('token');
  const set = await request.post('/api/v1/auth/password/set', { data: { token, password: who.password } });
  expect(set.status(), await set.text()).toBe(204);
}

function person(first: string): Person {
  return {
    name: `${first} ${unique('Staff')}`,
    email: `${unique(first.toLowerCase())}@e2e.test`.toLowerCase(),
    password: `${first}-pass-${unique('pw')}`,
  };
}

/** Over the API: a reseller with two users who can sign in, a client and its user. */
async function setUp(request: APIRequestContext) {
  const vendor = await signIn(request, admin.email, admin.password);
  const reseller = await request.post('/api/v1/admin/resellers', {
    headers: vendor,
    data: {
      name: unique('Staffed Partners'),
      contact_email: `${unique('staffed')}@e2e.test`.toLowerCase(),
      discount_percent: 10,
      currency: 'GBP',
    },
  });
  expect(reseller.status(), await reseller.text()).toBe(201);
  const resellerId = (await reseller.json()).id as string;
  const ann = person('Ann');
  const carl = person('Carl');
  for (const who of [ann, carl]) {
    const created = await request.post(`/api/v1/admin/resellers/${resellerId}/users`, {
      headers: vendor,
      data: { name: who.name, email: who.email },
    });
    expect(created.status(), await created.text()).toBe(201);
    await setPasswordFromWelcome(request, who);
  }
  const asAnn = await signIn(request, ann.email, ann.password);
  const client = await request.post('/api/v1/clients', {
    headers: asAnn,
    data: { name: unique('Umbrella'), contact_name: 'Una Contact', contact_email: `${unique('una')}@e2e.test`.toLowerCase() },
  });
  expect(client.status(), await client.text()).toBe(201);
  const bob = person('Bob');
  const clientUser = await request.post('/api/v1/client-users', {
    headers: asAnn,
    data: { client_id: (await client.json()).id, name: bob.name, email: bob.email },
  });
  expect(clientUser.status(), await clientUser.text()).toBe(201);
  await setPasswordFromWelcome(request, bob);
  return { ann, carl, bob };
}

test('a reseller user deactivates a colleague mid Login As; both portals show the Login As trail', async ({ browser, page, request }) => {
  test.setTimeout(120_000);
  const { ann, carl, bob } = await setUp(request);

  // Carl, in his own browser, views the client portal as Bob and opens the projects.
  const carlContext = await browser.newContext();
  const carlPage = await carlContext.newPage();
  await login(carlPage, carl.email, carl.password);
  await expect(carlPage).toHaveURL(/\/reseller$/);
  await carlPage.getByTestId('nav-client-users').click();
  await carlPage.getByTestId(`login-as-${bob.email}`).click();
  await expect(carlPage.getByTestId('impersonation-banner')).toContainText(`Viewing as ${bob.name}`);
  const projects = carlPage.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/projects' && r.status() === 200);
  await carlPage.getByTestId('nav-projects').click();
  await projects;

  // Ann deactivates Carl from the Reseller Users page (her own row offers no such button).
  await login(page, ann.email, ann.password);
  await expect(page).toHaveURL(/\/reseller$/);
  await page.getByTestId('nav-reseller-users').click();
  const own = page.getByTestId('colleague-row').and(page.locator(`[data-email="${ann.email}"]`));
  await expect(own.getByTestId('colleague-is-me')).toHaveText('You');
  await expect(own.getByTestId(`deactivate-${ann.email}`)).toHaveCount(0);
  const carlRow = page.getByTestId('colleague-row').and(page.locator(`[data-email="${carl.email}"]`));
  await expect(carlRow).toHaveAttribute('data-status', 'active');
  await carlRow.getByTestId(`deactivate-${carl.email}`).click();
  await carlRow.getByTestId(`deactivate-${carl.email}-confirm`).click();
  await expect(page.getByTestId('toast').filter({ hasText: `${carl.name} deactivated` })).toBeVisible();
  await expect(carlRow).toHaveAttribute('data-status', 'deactivated');
  await expect(carlRow.getByTestId(`reactivate-${carl.email}`)).toBeVisible();
  await checkPage(page, 'reseller users after deactivating a colleague');

  // Carl's next step: his Login As and his own session are over, so he is sent to sign in.
  await carlPage.getByTestId('nav-candidates').click();
  await expect(carlPage).toHaveURL(/\/login$/);
  await expect(carlPage.getByTestId('login-submit')).toBeVisible();
  await login(carlPage, carl.email, carl.password);
  await expect(carlPage.getByTestId('login-error')).toBeVisible();
  await carlContext.close();

  // Ann's audit log: what Carl did as Bob, in words.
  await page.getByTestId('nav-audit').click();
  const trail = page.getByTestId('audit-row');
  const started = trail.and(page.locator('[data-action="impersonation.started"]'));
  await expect(started.getByTestId('audit-event')).toHaveText(`${carl.name} (reseller) logged in as ${bob.name} — impersonation.started`);
  const requests = trail.and(page.locator('[data-action="impersonation.request"]'));
  await expect(requests.filter({ hasText: `${carl.name} (reseller) as ${bob.name}: GET /projects` }).first()).toBeVisible();
  await checkPage(page, 'reseller audit log with the Login As trail');

  // Ann reactivates Carl, then renames him on the edit page.
  await page.getByTestId('nav-reseller-users').click();
  await carlRow.getByTestId(`reactivate-${carl.email}`).click();
  await expect(carlRow).toHaveAttribute('data-status', 'active');
  await carlRow.getByTestId(`edit-${carl.email}`).click();
  await expect(page.getByTestId('colleague-title')).toHaveText(carl.name);
  await checkPage(page, 'edit a reseller user');
  const renamed = `${carl.name} Jr`;
  await page.getByTestId('edit-colleague-name').fill(renamed);
  await page.getByTestId('colleague-save').click();
  await expect(page.getByTestId('toast').filter({ hasText: `${renamed} saved` })).toBeVisible();
  await page.getByRole('link', { name: 'Back to the list' }).click();
  await expect(carlRow.getByTestId('colleague-name')).toHaveText(renamed);
  await logout(page);

  // Bob's activity shows the same trail: who of his reseller's staff acted as him, and what they did.
  await login(page, bob.email, bob.password);
  await expect(page).toHaveURL(/\/client$/);
  await page.getByTestId('nav-activity').click();
  await expect(started.getByTestId('audit-event')).toHaveText(`${renamed} (reseller) logged in as ${bob.name} — impersonation.started`);
  await expect(requests.filter({ hasText: `${renamed} (reseller) as ${bob.name}: GET /projects` }).first()).toBeVisible();
  await checkPage(page, 'client activity with the Login As trail');
  await logout(page);
});
