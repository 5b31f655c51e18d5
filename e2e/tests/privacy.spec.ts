// Data protection: a candidate downloads their own data from the test area; a client user sets
// the client's retention period, opens a candidate's data export (the printable page with their
// details, invitation and mail), then erases the candidate on request with a reason — the row
// stays, anonymised, in the candidate list; the balance is unchanged. A reseller sets the
// default retention and a client's own; the vendor sees and saves the bounds on every period.
import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import { admin, checkPage, login, PHONE, unique, waitForMail } from './support';
import { bearer, resellerWithClient } from './world';

test('a candidate with their link downloads their own data from the test area', async ({ browser, request }) => {
  test.setTimeout(120_000);
  const { client } = await resellerWithClient(request, 5);
  const asClient = await bearer(request, client.email, client.password);
  const tests = await request.get('/api/v1/tests', { headers: asClient });
  const numerical = ((await tests.json()).data as { id: string; category: string; norm_groups: { id: string }[] }[]).find(
    (t) => t.category === 'numerical',
  )!;
  const project = await request.post('/api/v1/projects', {
    headers: asClient,
    data: { name: unique('Own data intake'), tests: [{ test_id: numerical.id, norm_group_id: numerical.norm_groups[0].id }] },
  });
  expect(project.status()).toBe(201);
  const email = `${unique('dana')}@e2e.test`.toLowerCase();
  const invited = await request.post('/api/v1/candidates', {
    headers: asClient,
    data: { project_id: (await project.json()).id, first_name: 'Dana', last_name: 'Download', email },
  });
  expect(invited.status()).toBe(201);
  const mail = await waitForMail(email);
  const m = /https?:\/\/[^\s"'<>]+\/test\?token=[^\s"'<>&]+/.exec(mail.text);
  expect(m, 'the invitation has a link').not.toBeNull();
  const url = new URL(m![0]);

  const context = await browser.newContext({ viewport: PHONE, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${url.pathname}${url.search}`);
  await expect(page.getByTestId('download-my-data')).toBeVisible();
  await checkPage(page, 'test area with download my data');
  const download = page.waitForEvent('download');
  await page.getByTestId('download-my-data').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('my-data.json');
  const data = JSON.parse(fs.readFileSync((await file.path())!, 'utf8'));
  expect(data.candidate.email).toBe(email);
  expect(data.candidate.last_name).toBe('Download');
  expect(data.invitations).toHaveLength(1);
  expect(data.events).toEqual([]);
  await context.close();
});

test('a client user exports a candidate’s data and erases the candidate with a reason', async ({ page, request }) => {
  test.setTimeout(120_000);
  const { client } = await resellerWithClient(request, 5);
  const asClient = await bearer(request, client.email, client.password);
  const tests = await request.get('/api/v1/tests', { headers: asClient });
  expect(tests.status()).toBe(200);
  const numerical = ((await tests.json()).data as { id: string; category: string; norm_groups: { id: string }[] }[]).find(
    (t) => t.category === 'numerical',
  )!;
  const projectName = unique('Privacy intake');
  const project = await request.post('/api/v1/projects', {
    headers: asClient,
    data: { name: projectName, tests: [{ test_id: numerical.id, norm_group_id: numerical.norm_groups[0].id }] },
  });
  expect(project.status()).toBe(201);
  const email = `${unique('erin')}@e2e.test`.toLowerCase();
  const invited = await request.post('/api/v1/candidates', {
    headers: asClient,
    data: { project_id: (await project.json()).id, first_name: 'Erin', last_name: 'Erasable', email, phone: '+44 20 7946 0123' },
  });
  expect(invited.status()).toBe(201);
  const candidateId = (await invited.json()).id as string;

  await login(page, client.email, client.password);
  await expect(page).toHaveURL(/\/client$/);
  const balance = page.getByTestId('client-balance');
  await expect(balance).toHaveText('4');
  // The dashboard's Data retention: the client's own period, within the vendor's bounds.
  const retention = page.getByTestId('retention');
  await expect(retention).toContainText('blank: the default, 730 days');
  await retention.getByTestId('retention-days').fill('120');
  await retention.getByTestId('retention-save').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Retention period saved' })).toBeVisible();
  await checkPage(page, 'client dashboard with retention');
  // The privacy notice candidates confirm: the default text is shown; the client writes its own.
  const notice = page.getByTestId('privacy-notice-settings');
  await expect(notice.getByTestId('privacy-notice-default')).toContainText('is responsible for your personal data');
  await notice.getByTestId('privacy-notice-text').fill('Too short');
  await notice.getByTestId('privacy-notice-save').click();
  await expect(notice).toContainText('Write at least 20 characters');
  await notice.getByTestId('privacy-notice-text').fill('We keep your answers for this hiring round only.\n\nAsk us anything.');
  await notice.getByTestId('privacy-notice-contact').fill('privacy@client.e2e.test');
  await notice.getByTestId('privacy-notice-save').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Privacy notice saved' })).toBeVisible();
  await checkPage(page, 'client dashboard with the privacy notice');
  const clientId = (await (await request.get('/api/v1/me', { headers: asClient })).json()).client_id as string;
  const saved = await (await request.get(`/api/v1/clients/${clientId}/privacy-notice`, { headers: asClient })).json();
  expect(saved.contact_email).toBe('privacy@client.e2e.test');
  expect(saved.preview.text).toBe('We keep your answers for this hiring round only.\n\nAsk us anything.');
  expect(saved.preview.retention_days).toBe(120);
  await page.goto(`/client/candidates/${candidateId}`);
  await expect(page.getByTestId('candidate-title')).toHaveText('Erin Erasable');

  // Export data: the printable page with everything kept about them.
  await page.getByTestId('export-link').click();
  await expect(page).toHaveURL(new RegExp(`/client/candidates/${candidateId}/export$`));
  await expect(page.getByTestId('export-email')).toHaveText(email);
  await expect(page.getByTestId('export-last_name')).toHaveText('Erasable');
  await expect(page.getByTestId('export-phone')).toHaveText('+44 20 7946 0123');
  // One invitation (its project) with one test (its answers, none yet).
  await expect(page.getByTestId('export-invitations').locator('h3')).toHaveText([projectName, 'Numerical Reasoning']);
  await expect(page.getByTestId('export-emails-row').first()).toContainText('invitation');
  await expect(page.getByTestId('export-events-row').first()).toContainText('invitation.created');
  const download = page.waitForEvent('download');
  await page.getByTestId('export-download').click();
  expect((await download).suggestedFilename()).toBe(`candidate-${candidateId}.json`);
  await checkPage(page, 'candidate data export');
  await page.getByRole('link', { name: 'Back to the candidate' }).click();

  // Erase…: a reason is required, then the candidate is anonymised at once.
  await page.getByTestId('candidate-erase').click();
  await expect(page.getByTestId('erase-form')).toBeVisible();
  await checkPage(page, 'erase candidate');
  await page.getByTestId('erase-confirm').click();
  await expect(page.getByTestId('erase-form')).toContainText('Say why the candidate');
  await page.getByTestId('erase-reason').fill('The candidate asked by email on 1 December.');
  await page.getByTestId('erase-confirm').click();
  await expect(page.getByTestId('toast').filter({ hasText: "The candidate's data was erased" })).toBeVisible();
  await expect(page.getByTestId('candidate-anonymised')).toHaveText('Anonymised');
  await expect(page.getByTestId('candidate-title')).toHaveText('Anonymised candidate');
  await expect(page.getByTestId('candidate-email')).toHaveText(`anonymised+${candidateId}@invalid`);
  await expect(page.getByTestId('candidate-erase')).toHaveCount(0);
  await expect(balance).toHaveText('4');
  await checkPage(page, 'anonymised candidate');

  // The list keeps the row, anonymised; the person's email is nowhere on it.
  await page.getByTestId('nav-candidates').click();
  const row = page.getByTestId('candidate-row').and(page.locator(`[data-email="anonymised+${candidateId}@invalid"]`));
  await expect(row.getByTestId('candidate-anonymised')).toHaveText('Anonymised');
  await expect(page.getByText(email)).toHaveCount(0);
  await checkPage(page, 'candidates with an anonymised row');
});

test('a reseller sets the retention default and a client’s own period within the vendor’s bounds', async ({ page, request }) => {
  test.setTimeout(120_000);
  const { reseller, clientId } = await resellerWithClient(request, 1);
  await login(page, reseller.email, reseller.password);
  await expect(page).toHaveURL(/\/reseller$/);

  // Settings → Data retention: the default for every client (730 days until changed).
  await page.getByTestId('nav-settings').click();
  const card = page.getByTestId('retention');
  const days = card.getByTestId('retention-days');
  await expect(days).toHaveValue('730');
  await days.fill('10');
  await card.getByTestId('retention-save').click();
  await expect(card).toContainText('Choose a retention period from 30 to 1825 days.');
  await days.fill('365');
  await card.getByTestId('retention-save').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Retention period saved' })).toBeVisible();
  await checkPage(page, 'reseller settings with retention');

  // The client's page: blank follows the default; its own period overrides it.
  await page.goto(`/reseller/clients/${clientId}`);
  const own = page.getByTestId('retention');
  await expect(own).toContainText('blank: the default, 365 days');
  await expect(own.getByTestId('retention-days')).toHaveValue('');
  await own.getByTestId('retention-days').fill('90');
  await own.getByTestId('retention-save').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Retention period saved' })).toBeVisible();
  const asReseller = await bearer(request, reseller.email, reseller.password);
  const got = await request.get(`/api/v1/clients/${clientId}/retention`, { headers: asReseller });
  expect(await got.json()).toMatchObject({ days: 90, default_days: 365, effective_days: 90 });
  await checkPage(page, 'client page with retention');
});

test('the vendor sees and saves the bounds on every retention period', async ({ page, request }) => {
  test.setTimeout(120_000);
  await login(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/admin/);
  await page.getByTestId('nav-settings').click();
  const card = page.getByTestId('retention-bounds');
  await expect(card.getByTestId('bounds-min')).toHaveValue('30');
  await expect(card.getByTestId('bounds-max')).toHaveValue('1825');
  // Longest shorter than shortest: refused, and nothing changes. (Other journeys rely on the
  // default bounds, so this one saves them unchanged.)
  await card.getByTestId('bounds-min').fill('400');
  await card.getByTestId('bounds-max').fill('300');
  await card.getByTestId('retention-bounds-save').click();
  await expect(card).toContainText('The longest period cannot be shorter than the shortest.');
  const asAdmin = await bearer(request, admin.email, admin.password);
  const unchanged = await request.get('/api/v1/admin/retention', { headers: asAdmin });
  expect(await unchanged.json()).toEqual({ min_days: 30, max_days: 1825 });
  await card.getByTestId('bounds-min').fill('30');
  await card.getByTestId('bounds-max').fill('1825');
  await card.getByTestId('retention-bounds-save').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Retention bounds saved' })).toBeVisible();
  await checkPage(page, 'admin settings with retention bounds');
});
