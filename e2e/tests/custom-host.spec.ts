// A reseller's custom host, reached the way its people reach it: by name. Chromium maps
// `assess.acme.test` to the test server (`--host-resolver-rules`), so the browser asks for that
// host and sends it as `Host`, as behind the reseller's DNS. On that host the login page, the
// portals and the test area show the reseller's skin alone — neither the vendor's product name
// ("Credence") nor the default skin's appears in the page's text or title — only the reseller's
// people may sign in, and the mail it sends carries the skin's name, the right Reply-To and
// links to the same host.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { admin, checkPage, confirmPrivacyNotice, mailsTo, setPasswordLink, unique, waitForMail, type Mail } from './support';

const HOST = 'assess.acme.test';
const PRODUCT = 'Acme Assess';
/** The vendor's words: the platform's name and the default skin's product name. */
const VENDOR_WORDS = ['Credence', 'Test Partnership'];

const server = new URL(process.env.E2E_BASE_URL ?? 'http://127.0.0.1');
/** The custom host as the browser reaches it (plain http: the test server has no TLS). */
const ON_HOST = `http://${HOST}`;

// A worker of its own whose Chromium resolves the custom host to the test server.
test.use({
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=MAP ${HOST} ${server.hostname}:${server.port}`,
    ],
  },
});

type Auth = { Authorization: string };

async function signIn(request: APIRequestContext, email: string, password: string): Promise<Auth> {
  const resp = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(resp.status(), await resp.text()).toBe(200);
  return { Authorization: `Bearer ${(await resp.json()).access_token}` };
}

/** The absolute link in a mail whose path starts with `path` (`&amp;` undone). */
function linkIn(mail: Mail, path: string): URL {
  const m = new RegExp(`https?://[^\\s"'<>]+${path.replace(/[?]/g, '\\?')}[^\\s"'<>]*`).exec(mail.text);
  if (!m) throw new Error(`no ${path} link in ${mail.file}:\n${mail.text}`);
  return new URL(m[0].replace(/&amp;/g, '&'));
}

/** Chooses a password through the welcome email (over the API). The reseller's people get it
 * from the skin's name, with nothing of the vendor in it, and its link is on the custom host. */
async function setPasswordFromWelcome(request: APIRequestContext, email: string, password: string): Promise<Mail> {
  const welcome = await waitForMail(email);
  expect(welcome.from, 'the welcome email From').toMatch(new RegExp(`^"?${PRODUCT}"? <`));
  expectNoVendorWords('the welcome email', `${welcome.from}\n${welcome.subject}\n${welcome.text}`);
  expect(linkIn(welcome, '/set-password?').host, 'the welcome link is on the custom host').toBe(HOST);
  const token = new URL(setPasswordLink(welcome), 'http://x').searchParams.get('token');
  const set = await request.post('/api/v1/auth/password/set', { data: { token, password } });
  expect(set.status(), await set.text()).toBe(204);
  return welcome;
}

function expectNoVendorWords(where: string, text: string): void {
  for (const word of VENDOR_WORDS) {
    expect(text, `${where} names the vendor ("${word}")`).not.toContain(word);
  }
}

/** The page's title is the skin's product name and neither title nor text names the vendor. */
async function expectOnlyTheBrand(page: Page, where: string): Promise<void> {
  await expect(page).toHaveTitle(PRODUCT);
  expectNoVendorWords(`${where} (title)`, await page.title());
  expectNoVendorWords(`${where} (text)`, await page.locator('body').innerText());
}

interface Person {
  email: string;
  password: string;
}

interface World {
  resellerName: string;
  resellerContact: string;
  resellerUser: Person;
  clientUser: Person;
  clientAuth: Auth;
  projectId: string;
  supportEmail: string;
  otherResellerUser: Person;
}

/** A reseller with a skin and `HOST` as its custom host, a client and client user of it, a
 * project; and another reseller (no custom host) with a user of its own. */
async function setUp(request: APIRequestContext): Promise<World> {
  const vendor = await signIn(request, admin.email, admin.password);
  const skin = await request.post('/api/v1/admin/brands', {
    headers: vendor,
    data: {
      name: unique('Acme skin'),
      product_name: PRODUCT,
      primary_color: '#0b5d3b',
      accent_color: '#f2c14e',
      background_color: '#f7faf8',
      text_color: '#14211b',
    },
  });
  expect(skin.status(), await skin.text()).toBe(201);
  const skinId = (await skin.json()).id as string;

  const resellerName = unique('Acme Talent');
  const resellerContact = `${unique('partners')}@acme.test`.toLowerCase();
  const reseller = await request.post('/api/v1/admin/resellers', {
    headers: vendor,
    data: {
      name: resellerName,
      contact_email: resellerContact,
      discount_percent: 10,
      currency: 'GBP',
      brand_ids: [skinId],
    },
  });
  expect(reseller.status(), await reseller.text()).toBe(201);
  const resellerId = (await reseller.json()).id as string;
  // The vendor sets the host directly (no request/approval round).
  const patched = await request.patch(`/api/v1/admin/resellers/${resellerId}`, {
    headers: vendor,
    data: { custom_host: HOST },
  });
  expect(patched.status(), await patched.text()).toBe(200);
  expect((await patched.json()).custom_host).toBe(HOST);

  const resellerUser = { email: `${unique('rita')}@acme.test`.toLowerCase(), password: `Reseller-pass-${unique('pw')}` };
  const ru = await request.post(`/api/v1/admin/resellers/${resellerId}/users`, {
    headers: vendor,
    data: { name: 'Rita Reseller', email: resellerUser.email },
  });
  expect(ru.status(), await ru.text()).toBe(201);
  await setPasswordFromWelcome(request, resellerUser.email, resellerUser.password);
  const asReseller = await signIn(request, resellerUser.email, resellerUser.password);

  const client = await request.post('/api/v1/clients', {
    headers: asReseller,
    data: {
      name: unique('Globex'),
      contact_name: 'Gina Contact',
      contact_email: `${unique('gina')}@globex.test`.toLowerCase(),
      brand_id: skinId,
      initial_credits: 10,
    },
  });
  expect(client.status(), await client.text()).toBe(201);
  const clientId = (await client.json()).id as string;

  const clientUser = { email: `${unique('carl')}@globex.test`.toLowerCase(), password: `Client-pass-${unique('pw')}` };
  const cu = await request.post('/api/v1/client-users', {
    headers: asReseller,
    data: { client_id: clientId, name: 'Carl Client', email: clientUser.email, job_title: 'Recruiter' },
  });
  expect(cu.status(), await cu.text()).toBe(201);
  const welcome = await setPasswordFromWelcome(request, clientUser.email, clientUser.password);
  // A client user's replies go to the reseller.
  expect(welcome.replyTo).toContain(resellerContact);
  const clientAuth = await signIn(request, clientUser.email, clientUser.password);

  const tests = await request.get('/api/v1/tests', { headers: clientAuth });
  expect(tests.status()).toBe(200);
  const catalogue = (await tests.json()).data as { id: string; category: string; norm_groups: { id: string }[] }[];
  const personality = catalogue.find((t) => t.category === 'personality');
  if (!personality) throw new Error('no personality test in the catalogue');
  const supportEmail = `${unique('help')}@globex.test`.toLowerCase();
  const project = await request.post('/api/v1/projects', {
    headers: clientAuth,
    data: {
      name: unique('Sales hires'),
      description: 'One questionnaire for our sales team.',
      tests: [{ test_id: personality.id, norm_group_id: personality.norm_groups[0].id }],
      support_name: 'Hana Help',
      support_email: supportEmail,
    },
  });
  expect(project.status(), await project.text()).toBe(201);

  const other = await request.post('/api/v1/admin/resellers', {
    headers: vendor,
    data: {
      name: unique('Other Partners'),
      contact_email: `${unique('other')}@other.test`.toLowerCase(),
      discount_percent: 5,
      currency: 'GBP',
      brand_ids: [],
    },
  });
  expect(other.status(), await other.text()).toBe(201);
  const otherResellerUser = { email: `${unique('olga')}@other.test`.toLowerCase(), password: `Other-pass-${unique('pw')}` };
  const ou = await request.post(`/api/v1/admin/resellers/${(await other.json()).id}/users`, {
    headers: vendor,
    data: { name: 'Olga Other', email: otherResellerUser.email },
  });
  expect(ou.status(), await ou.text()).toBe(201);
  const otherWelcome = await waitForMail(otherResellerUser.email);
  const token = new URL(setPasswordLink(otherWelcome), 'http://x').searchParams.get('token');
  const set = await request.post('/api/v1/auth/password/set', { data: { token, password: otherResellerUser.password } });
  expect(set.status(), await set.text()).toBe(204);
  // The other reseller's people may sign in on the platform's own host.
  await signIn(request, otherResellerUser.email, otherResellerUser.password);

  return {
    resellerName,
    resellerContact,
    resellerUser,
    clientUser,
    clientAuth,
    projectId: (await project.json()).id,
    supportEmail,
    otherResellerUser,
  };
}

async function signInOnHost(page: Page, who: Person): Promise<void> {
  await page.goto(`${ON_HOST}/login`);
  await page.getByTestId('login-email').fill(who.email);
  await page.getByTestId('login-password').fill(who.password);
  await page.getByTestId('login-submit').click();
}

let world: World;

test.describe.serial('a reseller on its custom host', () => {
  test.beforeAll(async ({ playwright }) => {
    test.setTimeout(120_000);
    const request = await playwright.request.newContext({ baseURL: server.origin });
    try {
      world = await setUp(request);
    } finally {
      await request.dispose();
    }
  });

  test('the login page shows only the reseller brand, and only its people get in', async ({ page }) => {
    const served = await page.goto(`${ON_HOST}/login`);
    expect(served, 'the custom host answers').not.toBeNull();
    expect(new URL(page.url()).host).toBe(HOST);
    // The page as served, before the app starts, is titled with the skin's name already.
    const html = await served!.text();
    expect(html).toContain(`<title>${PRODUCT}</title>`);
    expectNoVendorWords('the served page', html);

    await expect(page.getByTestId('login-product-name')).toHaveText(PRODUCT);
    await expect(page.getByText(`Provided by ${world.resellerName}`)).toBeVisible();
    await expect(page.getByTestId('login-submit')).toBeVisible();
    await expectOnlyTheBrand(page, 'the login page');
    await checkPage(page, 'custom host login');

    // Another reseller's user and the vendor's staff are refused here, as a wrong password is.
    for (const outsider of [world.otherResellerUser, admin]) {
      await signInOnHost(page, outsider);
      await expect(page.getByTestId('login-error')).toBeVisible();
      await expect(page).toHaveURL(`${ON_HOST}/login`);
      await expectOnlyTheBrand(page, 'the refused login');
    }
  });

  test('the reseller and client portals show only the reseller brand', async ({ page }) => {
    await signInOnHost(page, world.resellerUser);
    await expect(page).toHaveURL(`${ON_HOST}/reseller`);
    await expect(page.getByTestId('product-name')).toHaveText(PRODUCT);
    await expect(page.getByTestId('logout')).toBeVisible();
    await expectOnlyTheBrand(page, 'the reseller portal');
    await checkPage(page, 'custom host reseller portal');
    await page.getByTestId('logout').click();
    await expect(page).toHaveURL(`${ON_HOST}/login`);

    await signInOnHost(page, world.clientUser);
    await expect(page).toHaveURL(`${ON_HOST}/client`);
    await expect(page.getByTestId('product-name')).toHaveText(PRODUCT);
    await expect(page.getByTestId('logout')).toBeVisible();
    await expectOnlyTheBrand(page, 'the client portal');
    await checkPage(page, 'custom host client portal');
    await page.goto(`${ON_HOST}/client/projects/${world.projectId}`);
    await expect(page.getByTestId('product-name')).toHaveText(PRODUCT);
    await expect(page.getByText('Sales hires', { exact: false }).first()).toBeVisible();
    await expectOnlyTheBrand(page, 'a project page');
  });

  test('the invitation names the brand, replies to support and links to the custom host', async ({ page, request }) => {
    const candidateEmail = `${unique('cand')}@e2e.test`.toLowerCase();
    const before = mailsTo(candidateEmail);
    const candidate = await request.post('/api/v1/candidates', {
      headers: world.clientAuth,
      data: { project_id: world.projectId, first_name: 'Casey', last_name: 'Candidate', email: candidateEmail },
    });
    expect(candidate.status(), await candidate.text()).toBe(201);

    const mail = await waitForMail(candidateEmail, before);
    expect(mail.from, 'From display name').toMatch(new RegExp(`^"?${PRODUCT}"? <[^>]+>$`));
    expect(mail.replyTo, 'Reply-To').toContain(world.supportEmail);
    expectNoVendorWords('the invitation', `${mail.from}\n${mail.subject}\n${mail.text}`);
    const link = linkIn(mail, '/test?token=');
    expect(link.protocol).toBe('https:');
    expect(link.host).toBe(HOST);

    // The same link over plain http (the test server has no TLS), through the mapped host.
    await page.goto(`${ON_HOST}${link.pathname}${link.search}`);
    await expect(page).toHaveURL(`${ON_HOST}/test`);
    await expect(page.getByTestId('product-name')).toHaveText(PRODUCT);
    await expect(page.getByTestId('notice-processor')).toHaveText(PRODUCT);
    await expectOnlyTheBrand(page, 'the privacy notice');
    await confirmPrivacyNotice(page);
    await expect(page.getByTestId('test-card')).toHaveCount(1);
    await expectOnlyTheBrand(page, 'the test area');
    await checkPage(page, 'custom host test area');

    await page.getByTestId('start-personality').click();
    await expect(page.getByTestId('instructions')).toBeVisible();
    await expectOnlyTheBrand(page, 'the test instructions');
  });
});
