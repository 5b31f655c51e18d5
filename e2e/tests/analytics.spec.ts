// Usage analytics (issue 9, item 4): the reseller sees credits used per client per month as a
// stacked-bar chart whose table says the same numbers as the API, downloads them as CSV, and
// sees the run-out forecast and the funnel; the client user sees its own charts (usage, funnel,
// score distribution); the vendor sees revenue per reseller and credits outstanding.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import { admin, checkPage, login, logout, resellerUserWithPassword, unique, waitForMail } from './support';
import { bearer, resellerWithClient } from './world';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function thisMonth(): { key: string; label: string } {
  const d = new Date();
  const m = d.getUTCMonth();
  return { key: `${d.getUTCFullYear()}-${String(m + 1).padStart(2, '0')}`, label: `${MONTHS[m]} ${d.getUTCFullYear()}` };
}

/** Clicks a chart's "Download CSV" and reads the file. */
async function downloadCsv(page: Page, scope: ReturnType<Page['getByTestId']>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), scope.getByTestId('download-csv').click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: fs.readFileSync(file!, 'utf8').replace(/\r\n/g, '\n') };
}

/** The candidate's link from the invitation mail, exchanged for a session token. */
async function candidateToken(request: APIRequestContext, email: string): Promise<string> {
  const mail = await waitForMail(email);
  const m = /\/test\?token=([A-Za-z0-9_-]+)/.exec(mail.text);
  expect(m, 'an invitation link').not.toBeNull();
  const session = await request.post('/api/v1/candidate/sessions', { data: { invitation_token: m![1] } });
  expect(session.status()).toBe(200);
  const token = (await session.json()).access_token as string;
  // The privacy notice is confirmed before the first test.
  const consent = await request.post('/api/v1/candidate/consent', { headers: { Authorization: `Bearer ${token}` }, data: {} });
  expect(consent.status()).toBe(200);
  return token;
}

test('reseller, client and vendor analytics: charts, tables and CSV', async ({ page, request }) => {
  test.setTimeout(180_000);
  const { reseller, client, clientName, clientId } = await resellerWithClient(request, 30);
  const asReseller = await bearer(request, reseller.email, reseller.password);
  const asClient = await bearer(request, client.email, client.password);

  // A second client, which gives 4 credits back; the first invites three candidates to a
  // two-test project (2 credits each), one of whom completes the numerical test.
  const secondName = unique('Globex');
  const second = await request.post('/api/v1/clients', {
    headers: asReseller,
    data: { name: secondName, contact_name: 'Gil Contact', contact_email: `${unique('gil')}@e2e.test`.toLowerCase(), initial_credits: 10 },
  });
  expect(second.status()).toBe(201);
  const secondId = (await second.json()).id;
  const taken = await request.post(`/api/v1/clients/${secondId}/credit-adjustments`, {
    headers: asReseller,
    data: { credits: 4, reason: 'Returned' },
  });
  expect(taken.status()).toBe(201);
  const tests = (await (await request.get('/api/v1/tests', { headers: asClient })).json()).data as {
    id: string;
    category: string;
    norm_groups: { id: string }[];
  }[];
  const pick = (category: string) => {
    const t = tests.find((t) => t.category === category)!;
    return { test_id: t.id, norm_group_id: t.norm_groups[0].id };
  };
  const project = await request.post('/api/v1/projects', {
    headers: asClient,
    data: { name: 'Analytics intake', tests: [pick('numerical'), pick('verbal')] },
  });
  expect(project.status()).toBe(201);
  const projectId = (await project.json()).id;
  const candidates = ['one', 'two', 'three'].map((n) => `${unique(n)}@cand.e2e.test`.toLowerCase());
  for (const email of candidates) {
    const invited = await request.post('/api/v1/candidates', {
      headers: asClient,
      data: { project_id: projectId, first_name: 'Casey', last_name: 'Candidate', email },
    });
    expect(invited.status()).toBe(201);
  }
  const candidate = { Authorization: `Bearer ${await candidateToken(request, candidates[0])}` };
  const me = await (await request.get('/api/v1/candidate/me', { headers: candidate })).json();
  const aid = me.assessments[0].id;
  expect((await request.post(`/api/v1/candidate/assessments/${aid}/start`, { headers: candidate, data: {} })).status()).toBe(200);
  expect((await request.post(`/api/v1/candidate/assessments/${aid}/submit`, { headers: candidate, data: {} })).status()).toBe(200);

  const month = thisMonth();
  const usage = await (await request.get('/api/v1/reseller/analytics/usage', { headers: asReseller })).json();
  const first = usage.clients.find((c: { client_id: string }) => c.client_id === clientId);
  const firstMonth = first.months.find((m: { month: string }) => m.month === month.key);
  expect(firstMonth.used).toBe(6);
  expect(firstMonth.net_used).toBe(6);

  // The reseller: Analytics in the nav, a stacked bar per month with a segment per client.
  await login(page, reseller.email, reseller.password);
  await expect(page).toHaveURL(/\/reseller$/);
  await page.getByTestId('nav-analytics').click();
  await expect(page).toHaveURL(/\/reseller\/analytics$/);
  const chart = page.getByTestId('usage-chart');
  await expect(chart.locator('svg[role="img"]')).toHaveAttribute('aria-label', 'Credits used per client per month');
  const bar = chart.locator('rect[data-value="6"]');
  await expect(bar).toHaveCount(1);
  await expect(bar.locator('title')).toHaveText(`${clientName}, ${month.label}: 6`);
  await expect(chart.locator('.chart-legend')).toContainText(clientName);
  await expect(chart.locator('.chart-legend')).toContainText(secondName);
  // The table fallback: this month's row says 6 for the first client, 0 for the second (its
  // returned credits are not use), 6 in total — the API's numbers.
  await chart.locator('summary').click();
  const headers = await chart.locator('thead th').allTextContents();
  expect(headers).toEqual(['Month', ...usage.clients.map((c: { client_name: string }) => c.client_name), 'Total']);
  const row = chart.getByTestId('table-row').filter({ hasText: month.label });
  const expected = usage.clients.map((c: { months: { month: string; net_used: number }[] }) =>
    String(c.months.find((m) => m.month === month.key)!.net_used),
  );
  await expect(row.locator('td')).toHaveText([...expected, '6']);
  await expect(chart.getByTestId('table-row')).toHaveCount(12);
  const csv = await downloadCsv(page, chart);
  expect(csv.name).toBe('credits-per-month.csv');
  expect(csv.text.split('\n')[0]).toBe('month,client_code,client_name,added,used,refunded,adjusted,net_used');
  expect(csv.text).toContain(`${month.key},${first.client_code},${clientName},30,6,0,0,6\n`);
  expect(csv.text).toContain(`,${secondName},10,0,0,-4,0\n`);

  // The forecast: 24 left after 6 used in 30 days = 120 days; the funnel: 6 tests invited.
  const forecastRow = page.getByTestId('forecast-table').getByTestId('table-row').filter({ hasText: clientName });
  // Balance, threshold, used in the last 30 days, days left, the day it runs out.
  await expect(forecastRow.locator('td').nth(0)).toHaveText('24');
  await expect(forecastRow.locator('td').nth(2)).toHaveText('6');
  await expect(forecastRow.locator('td').nth(3)).toHaveText('120');
  await expect(page.getByTestId('funnel-summary')).toHaveText('Completion rate 17%; median time to complete: within 1 hour.');
  await expect(page.getByTestId('funnel-by-client').getByTestId('table-row')).toHaveText([
    new RegExp(`${clientName}\\s*6\\s*1\\s*1\\s*17%\\s*within 1 hour`),
  ]);
  await checkPage(page, 'reseller analytics');

  // The client user: its own months, the funnel per project, the score distribution.
  await logout(page);
  await login(page, client.email, client.password);
  await expect(page).toHaveURL(/\/client$/);
  await page.getByTestId('nav-analytics').click();
  await expect(page).toHaveURL(/\/client\/analytics$/);
  const own = page.getByTestId('usage-chart');
  await expect(own.locator('rect[data-value="6"] title')).toHaveText(`${month.label}: 6`);
  await expect(page.getByTestId('funnel-by-project').getByTestId('table-row')).toContainText('Analytics intake');
  const scores = page.getByTestId('score-chart');
  await expect(scores).toHaveCount(1);
  await expect(scores.locator('rect')).toHaveCount(1);
  const scoresCsv = await downloadCsv(page, scores);
  expect(scoresCsv.text.split('\n')).toHaveLength(12);
  await expect(page.locator('body')).not.toContainText('Below threshold');
  await checkPage(page, 'client analytics');

  // The vendor: revenue per reseller (this reseller's invoice this billing month) and credits
  // outstanding (24 + 6 left with its two clients).
  const asAdmin = await bearer(request, admin.email, admin.password);
  const resellerId = (await (await request.get('/api/v1/me', { headers: asReseller })).json()).reseller_id;
  const revenue = await (await request.get('/api/v1/admin/analytics/revenue', { headers: asAdmin })).json();
  const ours = revenue.revenue.find((r: { reseller_id: string }) => r.reseller_id === resellerId);
  expect(ours.currency).toBe('GBP');
  expect(ours.total_minor).toBeGreaterThan(0);
  await logout(page);
  await login(page, admin.email, admin.password);
  await page.getByTestId('nav-analytics').click();
  await expect(page).toHaveURL(/\/admin\/analytics$/);
  await expect(page.getByTestId('revenue-chart').first().locator('svg[role="img"]')).toBeVisible();
  const outstanding = page.getByTestId('outstanding-chart');
  await outstanding.locator('summary').click();
  const resellerRow = outstanding.getByTestId('table-row').filter({ hasText: ours.reseller_name });
  await expect(resellerRow.locator('td')).toHaveText(['30']);
  const revenueCsv = await downloadCsv(page, page.getByTestId('revenue-chart').first());
  expect(revenueCsv.text).toContain(`,${ours.reseller_name},GBP,`);
  await checkPage(page, 'vendor analytics');
});

test('a new reseller’s analytics say what to do next', async ({ page, request }) => {
  const user = { name: 'Nell New', email: `${unique('nell')}@e2e.test`.toLowerCase(), password: `Reseller-${unique('pw')}` };
  await resellerUserWithPassword(request, unique('New Partners'), user);
  await login(page, user.email, user.password);
  await expect(page).toHaveURL(/\/reseller$/);
  await page.goto('/reseller/analytics');
  const empty = page.getByTestId('empty-state');
  await expect(empty).toHaveCount(3);
  await expect(empty.nth(0)).toContainText('No credits used yet');
  await expect(empty.nth(0).getByRole('link', { name: 'Go to projects' })).toHaveAttribute('href', '/reseller/projects');
  await expect(empty.nth(1)).toContainText('No active clients yet');
  await expect(empty.nth(2)).toContainText('No invitations yet');
  await checkPage(page, 'reseller analytics, empty');
});
