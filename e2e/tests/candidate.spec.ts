// The candidate test area: a client user invites a candidate (set up over the REST API), and the
// candidate takes a timed numerical test and a personality questionnaire on a phone-sized screen,
// from the invitation email's one-time link, with a reload in the middle of the timed test.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { admin, checkPage, confirmPrivacyNotice, DESKTOP, login, setPasswordLink, unique, waitForMail, type Mail } from './support';

// A 1×1 PNG; the API decodes and re-encodes logos, so it has to be a real image.
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PHONE = { width: 375, height: 800 };
const SKIN_PRIMARY = '#7a1f5c';

type Headers = { Authorization: string };

async function signIn(request: APIRequestContext, email: string, password: string): Promise<Headers> {
  const resp = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(resp.status(), await resp.text()).toBe(200);
  return { Authorization: `Bearer ${(await resp.json()).access_token}` };
}

/** Chooses a password through the welcome email's one-time link (over the API). */
async function setPasswordFromWelcome(request: APIRequestContext, email: string, password: string): Promise<void> {
  const welcome = await waitForMail(email);
  const token = new URL(setPasswordLink(welcome), 'http://x').searchParams.get('token');
  const set = await request.post('/api/v1/auth/password/set', { data: { token, password } });
  expect(set.status(), await set.text()).toBe(204);
}

interface Invited {
  clientUser: Headers;
  clientUserEmail: string;
  clientUserPassword: string;
  projectId: string;
  candidateId: string;
  candidateEmail: string;
  projectName: string;
  clientName: string;
  logoUrl: string;
  productName: string;
  supportEmail: string;
}

/** Vendor → reseller → client (skin, credits, logo) → client user → project → invited candidate. */
async function inviteCandidate(request: APIRequestContext): Promise<Invited> {
  const vendor = await signIn(request, admin.email, admin.password);
  const productName = unique('Assess');
  const skin = await request.post('/api/v1/admin/brands', {
    headers: vendor,
    data: {
      name: unique('Candidate skin'),
      product_name: productName,
      primary_color: SKIN_PRIMARY,
      accent_color: '#f2c14e',
      background_color: '#fbfaf5',
      text_color: '#17202a',
    },
  });
  expect(skin.status(), await skin.text()).toBe(201);
  const skinId = (await skin.json()).id as string;

  const reseller = await request.post('/api/v1/admin/resellers', {
    headers: vendor,
    data: {
      name: unique('Candidate Partners'),
      contact_email: `${unique('partner')}@e2e.test`.toLowerCase(),
      discount_percent: 10,
      currency: 'GBP',
      brand_ids: [skinId],
    },
  });
  expect(reseller.status(), await reseller.text()).toBe(201);
  const resellerEmail = `${unique('rita')}@e2e.test`.toLowerCase();
  const resellerPassword = `Reseller-pass-${unique('pw')}`;
  const resellerUser = await request.post(`/api/v1/admin/resellers/${(await reseller.json()).id}/users`, {
    headers: vendor,
    data: { name: 'Rita Reseller', email: resellerEmail },
  });
  expect(resellerUser.status(), await resellerUser.text()).toBe(201);
  await setPasswordFromWelcome(request, resellerEmail, resellerPassword);
  const asReseller = await signIn(request, resellerEmail, resellerPassword);

  const clientName = unique('Globex');
  const client = await request.post('/api/v1/clients', {
    headers: asReseller,
    data: {
      name: clientName,
      contact_name: 'Gina Contact',
      contact_email: `${unique('gina')}@e2e.test`.toLowerCase(),
      brand_id: skinId,
      initial_credits: 20,
    },
  });
  expect(client.status(), await client.text()).toBe(201);
  const clientId = (await client.json()).id as string;
  const logo = await request.put(`/api/v1/clients/${clientId}/logo`, {
    headers: { ...asReseller, 'Content-Type': 'image/png' },
    data: TINY_PNG,
  });
  expect(logo.status(), await logo.text()).toBe(200);
  const logoUrl = (await logo.json()).logo_url as string;
  expect(logoUrl).toBeTruthy();

  const clientUserEmail = `${unique('carl')}@e2e.test`.toLowerCase();
  const clientUserPassword = `Client-pass-${unique('pw')}`;
  const clientUser = await request.post('/api/v1/client-users', {
    headers: asReseller,
    data: { client_id: clientId, name: 'Carl Client', email: clientUserEmail, job_title: 'Recruiter' },
  });
  expect(clientUser.status(), await clientUser.text()).toBe(201);
  await setPasswordFromWelcome(request, clientUserEmail, clientUserPassword);
  const asClientUser = await signIn(request, clientUserEmail, clientUserPassword);

  const tests = await request.get('/api/v1/tests', { headers: asClientUser });
  expect(tests.status()).toBe(200);
  const catalogue = (await tests.json()).data as { id: string; category: string; norm_groups: { id: string }[] }[];
  const pick = (category: string) => {
    const t = catalogue.find((x) => x.category === category);
    if (!t) throw new Error(`no ${category} test in the catalogue`);
    return { test_id: t.id, norm_group_id: t.norm_groups[0].id };
  };
  const projectName = unique('Graduate intake');
  const supportEmail = `${unique('help')}@e2e.test`.toLowerCase();
  const project = await request.post('/api/v1/projects', {
    headers: asClientUser,
    data: {
      name: projectName,
      description: 'Two short tests for our graduate programme.',
      tests: [pick('numerical'), pick('personality')],
      support_name: 'Hana Help',
      support_email: supportEmail,
    },
  });
  expect(project.status(), await project.text()).toBe(201);
  const projectId = (await project.json()).id as string;

  const candidateEmail = `${unique('cand')}@e2e.test`.toLowerCase();
  const candidate = await request.post('/api/v1/candidates', {
    headers: asClientUser,
    data: { project_id: projectId, first_name: 'Casey', last_name: 'Candidate', email: candidateEmail },
  });
  expect(candidate.status(), await candidate.text()).toBe(201);
  return {
    clientUser: asClientUser,
    clientUserEmail,
    clientUserPassword,
    projectId,
    candidateId: (await candidate.json()).id,
    candidateEmail,
    projectName,
    clientName,
    logoUrl,
    productName,
    supportEmail,
  };
}

/** The one-time `/test?token=…` link of an invitation email, as a path. */
function invitationLink(mail: Mail): string {
  const m = /https?:\/\/[^\s"'<>]+\/test\?token=[^\s"'<>&]+/.exec(mail.text);
  if (!m) throw new Error(`no /test?token= link in ${mail.file}:\n${mail.text}`);
  const url = new URL(m[0]);
  return `${url.pathname}${url.search}`;
}

async function answerCurrent(page: Page, number: number): Promise<void> {
  const question = page.getByTestId('question');
  await expect(question).toHaveAttribute('data-index', String(number));
  await question.getByTestId('option').first().check();
  await expect(page.getByTestId(`nav-${number}`)).toHaveClass(/ta-answered/);
}

let invited: Invited;
let link: string;

test.describe.serial('candidate test area', () => {
  test('a candidate takes a timed test and a questionnaire on a phone', async ({ browser, request }) => {
    test.setTimeout(180_000);
    invited = await inviteCandidate(request);
    const mail = await waitForMail(invited.candidateEmail);
    link = invitationLink(mail);

    const context = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    await page.goto(link);

    // The branded home: client logo and name, product, project, support contact.
    await expect(page.getByTestId('project-name')).toHaveText(invited.projectName);
    await expect(page).toHaveURL(/\/test$/); // the one-time token left the address bar
    const logo = page.getByTestId('client-logo');
    await expect(logo).toBeVisible();
    await expect(logo).toHaveAttribute('src', invited.logoUrl);
    await expect(page.getByTestId('client-name')).toHaveText(invited.clientName);
    await expect(page.getByTestId('product-name')).toHaveText(invited.productName);
    await expect(page.getByTestId('project-description')).toContainText('graduate programme');
    const support = page.getByTestId('support-contact');
    await expect(support).toContainText(`Contact Hana Help at ${invited.supportEmail}`);
    await expect(support.getByRole('link')).toHaveAttribute('href', `mailto:${invited.supportEmail}`);
    const primary = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--primary').trim());
    expect(primary).toBe(SKIN_PRIMARY);
    // Before the first test: the privacy notice — the client is the controller, the reseller's
    // product the processor, never the vendor — confirmed with a tick and a button.
    const notice = page.getByTestId('privacy-notice');
    await expect(notice).toBeVisible();
    await expect(page.getByTestId('notice-controller')).toHaveText(invited.clientName);
    await expect(page.getByTestId('notice-processor')).toHaveText(invited.productName);
    await expect(page.getByTestId('notice-retention')).toContainText('days');
    await expect(page.getByTestId('notice-text')).toContainText(invited.clientName);
    expect(await page.locator('body').innerText()).not.toContain('Credence');
    await checkPage(page, 'test area privacy notice');
    await confirmPrivacyNotice(page);
    await expect(page.getByTestId('test-card')).toHaveCount(2);
    await expect(page.locator('[data-testid="test-card"][data-category="personality"]').getByTestId('test-duration')).toHaveText('Untimed');
    // Nothing is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await checkPage(page, 'test area home');

    // The numerical test: instructions, then one question at a time against the clock.
    await page.getByTestId('start-numerical').click();
    await expect(page.getByTestId('instructions')).toContainText('numerical');
    const count = Number(await page.getByTestId('question-count').textContent());
    expect(count).toBeGreaterThan(4);
    await expect(page.getByTestId('time-allowed')).toHaveText('18 minutes');
    await checkPage(page, 'test instructions');
    await page.getByTestId('start-test').click();
    await expect(page.getByTestId('countdown')).toBeVisible();
    await expect(page.getByTestId('countdown')).toHaveText(/1[78]:\d\d/);
    await checkPage(page, 'timed test');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    const half = Math.floor(count / 2);
    for (let n = 1; n <= half; n++) {
      await answerCurrent(page, n);
      await expect(page.getByTestId('save-status')).toHaveText('Saved');
      await page.getByTestId('question-next').click();
    }
    await expect(page.getByTestId('question')).toHaveAttribute('data-index', String(half + 1));

    // A reload resumes: the same clock, the saved answers, and the first unanswered question.
    await page.reload();
    await expect(page.getByTestId('countdown')).toBeVisible();
    await expect(page.getByTestId('question')).toHaveAttribute('data-index', String(half + 1));
    await expect(page.getByTestId('answered-count')).toHaveText(`${half} of ${count} answered`);
    for (let n = 1; n <= half; n++) await expect(page.getByTestId(`nav-${n}`)).toHaveClass(/ta-answered/);
    await expect(page.getByTestId(`nav-${half + 1}`)).not.toHaveClass(/ta-answered/);
    await page.getByTestId('question-prev').click();
    await expect(page.getByTestId('question')).toHaveAttribute('data-index', String(half));
    await expect(page.getByTestId('question').getByTestId('option').first()).toBeChecked();
    await page.getByTestId('question-next').click();

    for (let n = half + 1; n <= count; n++) {
      await answerCurrent(page, n);
      if (n < count) await page.getByTestId('question-next').click();
    }
    await expect(page.getByTestId('save-status')).toHaveText('Saved');
    await page.getByTestId('submit-test').click();
    await expect(page.getByTestId('confirm-text')).toContainText('answered every question');
    await page.getByTestId('confirm-submit').click();

    // Home again: numerical completed, the questionnaire next.
    await expect(page.getByTestId('home-notice')).toContainText('have been submitted');
    await expect(page.locator('[data-testid="test-card"][data-category="numerical"]').getByTestId('completed-badge')).toHaveText('Submitted');
    await expect(page.getByTestId('start-numerical')).toHaveCount(0);

    // The personality questionnaire: pages of statements, no clock.
    await page.getByTestId('start-personality').click();
    await expect(page.getByTestId('time-allowed')).toHaveText('No time limit');
    await page.getByTestId('start-test').click();
    await expect(page.getByTestId('likert-runner')).toBeVisible();
    await checkPage(page, 'questionnaire');
    await expect(page.getByTestId('countdown')).toHaveCount(0);
    for (;;) {
      const items = page.getByTestId('likert-item');
      const n = await items.count();
      expect(n).toBeGreaterThan(0);
      for (let i = 0; i < n; i++) await items.nth(i).getByTestId('option').first().check();
      const next = page.getByTestId('likert-next');
      if ((await next.count()) === 0) break;
      await next.click();
    }
    const total = await page.getByTestId('answered-count').textContent();
    expect(total).toMatch(/^(\d+) of \1 answered$/);
    await expect(page.getByTestId('save-status')).toHaveText('Saved');
    await page.getByTestId('submit-test').click();

    // Every test is done.
    const done = page.getByTestId('completion');
    await expect(done).toContainText('Thank you — your answers have been submitted.');
    await expect(done).toContainText('You can close this window.');
    await checkPage(page, 'test area completion');
    await expect(page.getByTestId('client-logo')).toBeVisible();

    // The client user sees both assessments submitted and scored.
    const resp = await request.get(`/api/v1/candidates/${invited.candidateId}`, { headers: invited.clientUser });
    expect(resp.status()).toBe(200);
    const candidate = await resp.json();
    const assessments = candidate.invitations.flatMap((i: { assessments: unknown[] }) => i.assessments) as {
      kind: string;
      status: string;
      scores: { scale: string }[] | null;
    }[];
    expect(assessments).toHaveLength(2);
    for (const a of assessments) {
      expect(a.status).toBe('submitted');
      expect(a.scores?.length ?? 0).toBeGreaterThan(0);
    }
    expect(assessments.find((a) => a.kind === 'aptitude')?.scores?.map((s) => s.scale)).toContain('total');

    // The link again in the same browser: used, but the stored session carries on.
    await page.goto(link);
    await expect(page.getByTestId('problem-link-used')).toBeVisible();
    await page.getByTestId('continue-session').click();
    await expect(page.getByTestId('completion')).toBeVisible();
    await context.close();

    // The client user's results: at 1280 px every column, the personality's included, is in
    // view without scrolling; the traits wrap inside their cell and the email stays whole.
    const desk = await browser.newContext({ viewport: DESKTOP });
    const staff = await desk.newPage();
    await login(staff, invited.clientUserEmail, invited.clientUserPassword);
    await expect(staff).toHaveURL(/\/client$/);
    await staff.goto(`/client/projects/${invited.projectId}`);
    const table = staff.getByTestId('results-table');
    const row = table.getByTestId('result-row');
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('result-cell')).toHaveCount(2);
    await expect(row.getByTestId('result-cell').nth(1)).toContainText(/\w+ \d+/);
    const fit = await table.evaluate((t) => {
      const wrap = t.parentElement as HTMLElement;
      const last = (t.querySelector('thead th:last-child') as HTMLElement).getBoundingClientRect();
      return { scroll: wrap.scrollWidth, client: wrap.clientWidth, lastRight: last.right, wrapRight: wrap.getBoundingClientRect().right };
    });
    expect(fit.scroll, 'the results table needs no sideways scrolling at 1280 px').toBeLessThanOrEqual(fit.client);
    expect(fit.lastRight).toBeLessThanOrEqual(fit.wrapRight);
    const emailLines = () =>
      row.locator('td').nth(1).evaluate((td) => {
        const range = document.createRange();
        range.selectNodeContents(td);
        return range.getClientRects().length;
      });
    expect(await emailLines()).toBe(1);
    await checkPage(staff, 'project results');
    // On a phone the table scrolls inside its card (a focusable, named region); emails stay whole.
    await staff.setViewportSize({ width: 390, height: 844 });
    const region = staff.getByRole('region', { name: 'Results' });
    await expect(region).toHaveAttribute('tabindex', '0');
    expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await emailLines()).toBe(1);
    await staff.setViewportSize(DESKTOP);
    await staff.goto(`/client/candidates/${invited.candidateId}`);
    await expect(staff.getByTestId('candidate-detail')).toBeVisible();
    await expect(staff.getByTestId('candidate-consent')).toHaveText(/^Consent given \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    await expect(staff.getByTestId('invitation-consent')).toHaveText(/^Consent given /);
    await checkPage(staff, 'candidate detail');
    await staff.goto(`/client/candidates/${invited.candidateId}/report`);
    await expect(staff.getByTestId('report-candidate')).toHaveText('Casey Candidate');
    await checkPage(staff, 'candidate report');
    await desk.close();
  });

  test('the invitation link works once', async ({ browser }) => {
    test.skip(!link, 'needs the first journey');
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(link);
    await expect(page.getByTestId('problem-link-used')).toContainText('This link has already been used');
    await checkPage(page, 'link used');
    await expect(page).toHaveURL(/\/test$/);

    // Without a link or a session: how to get in.
    await page.goto('/test');
    await expect(page.getByTestId('problem-no-link')).toContainText('invitation email');
    await checkPage(page, 'test area without a link');
    await context.close();
  });

  test('when the time is up the answers are submitted for the candidate', async ({ browser, request }) => {
    test.skip(!invited, 'needs the first journey');
    const email = `${unique('late')}@e2e.test`.toLowerCase();
    const created = await request.post('/api/v1/candidates', {
      headers: invited.clientUser,
      data: { project_id: invited.projectId, first_name: 'Lee', last_name: 'Late', email },
    });
    expect(created.status(), await created.text()).toBe(201);
    const candidateId = (await created.json()).id as string;
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(invitationLink(await waitForMail(email)));
    await confirmPrivacyNotice(page);
    await page.getByTestId('start-numerical').click();
    await page.getByTestId('start-test').click();
    await answerCurrent(page, 1);
    await expect(page.getByTestId('save-status')).toHaveText('Saved');

    // The options are a native radio group: the arrow keys change (and save) the answer.
    await page.getByTestId('question').getByTestId('option').first().focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('question').getByTestId('option').nth(1)).toBeChecked();
    await expect(page.getByTestId('save-status')).toHaveText('Saved');

    // Offline: the answer waits and is retried, visibly, until the connection is back.
    await page.getByTestId('question-next').click();
    await context.setOffline(true);
    await answerCurrent(page, 2);
    await expect(page.getByTestId('save-status')).toHaveText('Offline — retrying');
    await context.setOffline(false);
    await expect(page.getByTestId('save-status')).toHaveText('Saved', { timeout: 15_000 });

    // The page's clock runs on: screen readers hear the 5- and 1-minute marks; at the deadline
    // the runner submits by itself.
    await page.clock.fastForward('13:10');
    await expect(page.getByTestId('timer-announcement')).toHaveText('5 minutes left.');
    await page.clock.fastForward('04:00');
    await expect(page.getByTestId('timer-announcement')).toHaveText('1 minute left.');
    await page.clock.fastForward('01:20');
    await expect(page.getByTestId('time-up')).toContainText('Time is up — your answers have been submitted');
    const resp = await request.get(`/api/v1/candidates/${candidateId}`, { headers: invited.clientUser });
    const numerical = (await resp.json()).invitations[0].assessments.find((a: { kind: string }) => a.kind === 'aptitude');
    expect(numerical.status).toBe('submitted');
    await page.getByTestId('continue-after-time-up').click();
    await expect(page.locator('[data-testid="test-card"][data-category="numerical"]').getByTestId('completed-badge')).toBeVisible();
    await context.close();
  });

  test('a withdrawn invitation shows a friendly closed page with the support contact', async ({ browser, request }) => {
    test.skip(!invited, 'needs the first journey');
    const email = `${unique('withdrawn')}@e2e.test`.toLowerCase();
    const created = await request.post('/api/v1/candidates', {
      headers: invited.clientUser,
      data: { project_id: invited.projectId, first_name: 'Wynn', last_name: 'Drawn', email },
    });
    expect(created.status(), await created.text()).toBe(201);
    const invitationId = (await created.json()).invitations[0].id as string;
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(invitationLink(await waitForMail(email)));
    await expect(page.getByTestId('privacy-notice')).toBeVisible(); // before the first test
    const cancelled = await request.post(`/api/v1/invitations/${invitationId}/cancel`, { headers: invited.clientUser });
    expect(cancelled.status(), await cancelled.text()).toBe(200);
    await page.reload();
    await expect(page.getByTestId('problem-unavailable')).toContainText('This assessment is no longer available');
    await expect(page.getByTestId('problem-unavailable')).toContainText(invited.supportEmail);
    await checkPage(page, 'assessment withdrawn');
    await context.close();
  });

  test('a candidate registers with the access key and gets the link by email', async ({ browser, request }) => {
    test.skip(!invited, 'needs the first journey');
    const patched = await request.patch(`/api/v1/projects/${invited.projectId}`, {
      headers: invited.clientUser,
      data: { access_key_enabled: true },
    });
    expect(patched.status(), await patched.text()).toBe(200);
    const key = (await patched.json()).access_key as string;
    expect(key).toBeTruthy();
    const email = `${unique('self')}@e2e.test`.toLowerCase();

    const register = async (page: Page) => {
      await page.goto(`/test/register?key=${encodeURIComponent(key)}`);
      await expect(page.getByTestId('reg-access-key')).toHaveValue(key);
      await page.getByTestId('reg-first-name').fill('Sam');
      await page.getByTestId('reg-last-name').fill('Self');
      await page.getByTestId('reg-email').fill(email);
      await page.getByTestId('register-submit').click();
    };

    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    // Field errors come back from the API next to their inputs.
    await page.goto(`/test/register?key=${encodeURIComponent(key)}`);
    await page.getByTestId('register-submit').click();
    await expect(page.getByTestId('field-error-email')).toBeVisible();
    await checkPage(page, 'registration with errors');
    await register(page);
    // Registration never opens a session: the link to the assessment arrives by email.
    await expect(page.getByTestId('check-email')).toContainText('Check your email');
    await expect(page.getByTestId('check-email')).toContainText('We have emailed you a link to your assessment');
    await checkPage(page, 'registration: check your email');
    await page.goto(invitationLink(await waitForMail(email)));
    await expect(page.getByTestId('project-name')).toHaveText(invited.projectName);
    await confirmPrivacyNotice(page);
    await expect(page.getByTestId('start-numerical')).toBeVisible();
    await context.close();

    // The same email again (another browser): exactly the same answer, and no session.
    const again = await browser.newContext({ viewport: PHONE });
    const page2 = await again.newPage();
    await register(page2);
    await expect(page2.getByTestId('check-email')).toContainText('Check your email');
    await expect(page2.getByTestId('check-email')).toContainText('We have emailed you a link to your assessment');
    await expect(page2).toHaveURL(/\/test\/register/);
    await again.close();
  });
});
