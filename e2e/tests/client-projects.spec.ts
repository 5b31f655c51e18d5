// Projects and candidates in the client portal, then the reseller's view of them: a client with 3
// credits creates a project (2 credits per invitation), invites a candidate (balance 1), is refused
// a second invitation with the 402 message (balance stays 1), cancels the first (refunded: 3),
// imports a CSV with one good and one bad row; the reseller then sees the project and candidates
// with the client's name and no scores.
import { expect, test } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPage, login, unique } from './support';
import { resellerWithClient } from './world';

test('a client runs a project: invite, out of credits, cancel and refund, CSV import; the reseller sees it', async ({
  browser,
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const { reseller, client, clientName } = await resellerWithClient(request, 3);
  const projectName = unique('Graduate intake');
  const first = { first: 'Grace', last: 'Hopper', email: `${unique('grace')}@e2e.test`.toLowerCase() };
  const second = { first: 'Linus', last: 'Second', email: `${unique('linus')}@e2e.test`.toLowerCase() };
  const imported = `${unique('imported')}@e2e.test`.toLowerCase();

  await login(page, client.email, client.password);
  await expect(page).toHaveURL(/\/client$/);
  const balance = page.getByTestId('client-balance');
  await expect(balance).toHaveText('3');

  // Projects > Create project: two tests from the catalogue, a norm group for the first.
  await page.getByTestId('nav-projects').click();
  await expect(page.getByTestId('project-list')).toBeVisible();
  await checkPage(page, 'client projects');
  await page.getByTestId('project-create').click();
  await expect(page).toHaveURL(/\/client\/projects\/new$/);
  await checkPage(page, 'new project');
  await page.getByTestId('project-name').fill(projectName);
  await page.getByTestId('project-description').fill('Two short tests. Take them somewhere quiet.');
  const numerical = page.getByTestId('test-card').filter({ hasText: 'Numerical Reasoning' });
  await numerical.getByTestId('test-check').check();
  await numerical.getByTestId('test-norm-group').selectOption({ label: 'Graduates' });
  await page.getByTestId('test-card').filter({ hasText: 'Work Personality Questionnaire' }).getByTestId('test-check').check();
  await expect(page.getByTestId('project-form-cost')).toHaveText('Each invitation costs 2 credits.');
  await page.getByTestId('project-support-email').fill('hr@initech.example');
  await page.getByTestId('project-submit').click();

  await expect(page).toHaveURL(/\/client\/projects\/[^/]+$/);
  await expect(page.getByTestId('project-title')).toHaveText(projectName);
  await expect(page.getByTestId('project-cost')).toContainText('Each invitation costs 2 credits');
  await expect(page.getByTestId('project-tests')).toContainText('Numerical Reasoning — Graduates');
  await expect(page.getByTestId('project-status')).toHaveText('Active');
  const projectUrl = page.url();

  // Invite a candidate: Invited in the project's candidates, the balance drops to 1.
  await page.getByTestId('invite-open').click();
  await page.getByTestId('invite-first-name').fill(first.first);
  await page.getByTestId('invite-last-name').fill(first.last);
  await page.getByTestId('invite-email').fill(first.email);
  await page.getByTestId('invite-submit').click();
  await expect(page.getByTestId('toast').filter({ hasText: `Invitation sent to ${first.email}` })).toBeVisible();
  await checkPage(page, 'project');
  const firstRow = page.getByTestId('result-row').and(page.locator(`[data-email="${first.email}"]`));
  await expect(firstRow.getByTestId('result-status')).toHaveText('Invited');
  await expect(balance).toHaveText('1');
  await expect(page.getByTestId('project-counts')).toHaveText('1 invited · 0 completed');

  // A second invitation needs 2 credits: refused, nothing charged, a way to the Credits page.
  await page.getByTestId('invite-first-name').fill(second.first);
  await page.getByTestId('invite-last-name').fill(second.last);
  await page.getByTestId('invite-email').fill(second.email);
  await page.getByTestId('invite-submit').click();
  const refused = page.getByTestId('insufficient-credits');
  await expect(refused).toContainText('Not enough credits: this invitation needs 2 credits and the balance is 1 credit');
  await expect(refused).toContainText('ask your reseller for more credits');
  await expect(refused.getByTestId('credits-link')).toHaveAttribute('href', '/client/credits');
  await expect(balance).toHaveText('1');
  await expect(page.getByTestId('result-row')).toHaveCount(1);

  // Candidates > the candidate: status, Resend and Cancel; Cancel refunds (balance back to 3).
  await page.getByTestId('nav-candidates').click();
  await expect(page.getByTestId('candidate-list')).toBeVisible();
  await checkPage(page, 'client candidates');
  const listed = page.getByTestId('candidate-row').and(page.locator(`[data-email="${first.email}"]`));
  await expect(listed.getByTestId('candidate-status')).toHaveText('Invited');
  await listed.getByRole('link', { name: `${first.first} ${first.last}` }).click();
  await expect(page.getByTestId('candidate-title')).toHaveText(`${first.first} ${first.last}`);
  await expect(page.getByTestId('candidate-detail-status')).toHaveText('Invited');
  const invitation = page.getByTestId('invitation').filter({ hasText: projectName });
  await expect(invitation.getByTestId('invitation-status')).toHaveText('Invited');
  await expect(invitation.getByTestId('assessment-row')).toHaveCount(2);
  await invitation.getByTestId('invitation-resend').click();
  await invitation.getByTestId('invitation-resend-confirm').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'The invitation email was sent again' })).toBeVisible();
  await invitation.getByTestId('invitation-cancel').click();
  await invitation.getByTestId('invitation-cancel-confirm').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Invitation cancelled' })).toBeVisible();
  await expect(invitation.getByTestId('invitation-status')).toHaveText('Cancelled');
  await expect(invitation.getByTestId('invitation-cancel')).toHaveCount(0);
  await expect(balance).toHaveText('3');
  await expect(page.getByTestId('report-link')).toBeVisible();
  await checkPage(page, 'candidate');

  // Import a CSV with one valid and one invalid row: the per-row report.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credence-import-'));
  const csvFile = path.join(dir, 'candidates.csv');
  fs.writeFileSync(csvFile, `first_name,last_name,email\nIda,Imported,${imported}\nNo,Email,not-an-email\n`);
  await page.goto(projectUrl);
  await page.getByTestId('import-open').click();
  await page.getByTestId('import-file').setInputFiles(csvFile);
  await page.getByTestId('import-submit').click();
  await expect(page.getByTestId('import-invited')).toHaveText('1');
  await expect(page.getByTestId('import-rejected')).toHaveText('1');
  const rejected = page.getByTestId('import-row').and(page.locator('[data-outcome="rejected"]'));
  await expect(rejected).toContainText('not-an-email');
  await expect(rejected.getByTestId('import-reason')).toContainText('email');
  await expect(page.getByTestId('import-row').and(page.locator('[data-outcome="invited"]'))).toContainText(imported);
  await checkPage(page, 'project after a CSV import');
  await expect(balance).toHaveText('1');
  await expect(page.getByTestId('result-row').and(page.locator(`[data-email="${imported}"]`))).toBeVisible();
  fs.rmSync(dir, { recursive: true, force: true });

  // The reseller, in its own browser: the project with the client's name, candidates without scores.
  const resellerContext = await browser.newContext();
  const rp = await resellerContext.newPage();
  await login(rp, reseller.email, reseller.password);
  await expect(rp).toHaveURL(/\/reseller$/);
  await rp.getByTestId('nav-projects').click();
  const projectRow = rp.getByTestId('project-row').filter({ hasText: projectName });
  await expect(projectRow.getByTestId('project-client')).toHaveText(clientName);
  await expect(projectRow.getByTestId('project-row-cost')).toHaveText('2');
  await rp.getByTestId('nav-candidates').click();
  await expect(rp.getByTestId('candidate-list')).toBeVisible();
  await checkPage(rp, 'reseller candidates');
  for (const email of [first.email, imported]) {
    const row = rp.getByTestId('candidate-row').and(rp.locator(`[data-email="${email}"]`));
    await expect(row.getByTestId('candidate-client')).toHaveText(clientName);
  }
  const headers = await rp.locator('[data-testid="candidate-list"] thead th').allTextContents();
  expect(headers.map((h) => h.trim().toLowerCase())).toContain('client');
  expect(headers.join(' ').toLowerCase()).not.toMatch(/score|percentile|sten/);

  // Its project page shows each candidate's status, and no scores either.
  await rp.getByTestId('nav-projects').click();
  await projectRow.getByRole('link', { name: projectName }).click();
  await expect(rp.getByTestId('project-client-name')).toHaveText(clientName);
  await expect(rp.getByTestId('result-row').and(rp.locator(`[data-email="${first.email}"]`)).getByTestId('result-status')).toHaveText('Cancelled');
  await expect(rp.getByTestId('result-row').and(rp.locator(`[data-email="${imported}"]`)).getByTestId('result-status')).toHaveText('Invited');
  await checkPage(rp, 'reseller project');

  // The client's page lists its projects and candidates too.
  await rp.getByTestId('nav-clients').click();
  await rp.getByRole('link', { name: clientName }).click();
  await expect(rp.getByTestId('client-projects')).toContainText(projectName);
  await expect(rp.getByTestId('client-candidates')).toContainText(imported);
  await checkPage(rp, 'reseller client');
  await resellerContext.close();
});
