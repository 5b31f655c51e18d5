// Editable emails: the reseller words the candidate invitation for its skin in Settings (an
// unknown variable is shown in the live preview and refused on save; the preview follows the
// draft), sends itself a test, and saves; a client words one project's invitation on the project
// page; invitations then read as worded, and "back to the earlier text" restores the skin's.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { checkPage, login, mailsTo, unique, waitForMail } from './support';
import { bearer, resellerWithClient } from './world';

async function project(request: APIRequestContext, headers: Record<string, string>, name: string): Promise<string> {
  const tests = await (await request.get('/api/v1/tests', { headers })).json();
  const t = tests.data[0];
  const created = await request.post('/api/v1/projects', {
    headers,
    data: { name, tests: [{ test_id: t.id, norm_group_id: t.norm_groups[0].id }], support_email: 'help@initech.example' },
  });
  expect(created.status()).toBe(201);
  return (await created.json()).id;
}

async function invite(request: APIRequestContext, headers: Record<string, string>, projectId: string, email: string) {
  const resp = await request.post('/api/v1/candidates', {
    headers,
    data: { project_id: projectId, first_name: 'Grace', last_name: 'Hopper', email },
  });
  expect(resp.status()).toBe(201);
}

test('a reseller words the invitation per skin and a client words one project', async ({ browser, page, request }) => {
  test.setTimeout(120_000);
  const { reseller, client, clientName } = await resellerWithClient(request, 10);
  const asClient = await bearer(request, client.email, client.password);
  const worded = await project(request, asClient, unique('Worded'));
  const plain = await project(request, asClient, unique('Plain'));

  // The reseller: Settings → Emails to candidates → Invitation.
  await login(page, reseller.email, reseller.password);
  await expect(page).toHaveURL(/\/reseller$/);
  await page.getByTestId('nav-settings').click();
  const card = page.getByTestId('mail-texts');
  await expect(card.getByTestId('mail-text-state')).toContainText('the default text');
  await expect(card.getByTestId('mail-preview-subject')).toHaveText('Example Client Ltd invites you to an online assessment');
  await card.getByTestId('mail-text-subject').fill('{candidate_first_name}, {client_name} would like to meet you');
  await card.getByTestId('mail-text-body').fill('Dear {candidate_first_name},\n\n{projct_name} is waiting.');
  await expect(card.getByTestId('mail-preview-problem')).toContainText('Unknown variable {projct_name}');
  await card.getByTestId('mail-text-save').click();
  await expect(card.getByTestId('field-error-body')).toContainText('Unknown variable {projct_name}');
  await card.getByTestId('mail-text-body').fill('Dear {candidate_first_name},\n\n{project_name} is waiting for you.');
  await expect(card.getByTestId('mail-preview-subject')).toHaveText('Alex, Example Client Ltd would like to meet you');
  await expect(card.getByTestId('mail-preview-text')).toContainText('Graduate Programme 2027 is waiting for you.');
  await expect(card.getByTestId('mail-preview-text')).toContainText('Start your assessment: ');
  await checkPage(page, 'reseller settings with the email editor');

  const before = mailsTo(reseller.email);
  await card.getByTestId('mail-text-test').click();
  await expect(page.getByTestId('toast').filter({ hasText: `Test email sent to ${reseller.email}` })).toBeVisible();
  const testMail = await waitForMail(reseller.email, before);
  expect(testMail.subject).toBe('[Test] Alex, Example Client Ltd would like to meet you');
  expect(testMail.text).toContain('Graduate Programme 2027 is waiting for you.');

  await card.getByTestId('mail-text-save').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Email text saved' })).toBeVisible();
  await expect(card.getByTestId('mail-text-state')).toHaveText('Your own wording is in use.');

  // The client: the project's own invitation text, starting from the reseller's.
  const clientContext = await browser.newContext();
  const cp = await clientContext.newPage();
  await login(cp, client.email, client.password);
  await expect(cp).toHaveURL(/\/client$/);
  await cp.goto(`/client/projects/${worded}`);
  await cp.getByTestId('project-email-open').click();
  const editor = cp.getByTestId('project-invitation-text');
  await expect(editor.getByTestId('mail-text-subject')).toHaveValue('{candidate_first_name}, {client_name} would like to meet you');
  await editor.getByTestId('mail-text-subject').fill('{project_name}: your invitation');
  await expect(editor.getByTestId('mail-preview-subject')).toHaveText(/^Worded-.*: your invitation$/);
  await editor.getByTestId('mail-text-save').click();
  await expect(cp.getByTestId('toast').filter({ hasText: 'Email text saved' })).toBeVisible();
  await checkPage(cp, 'project invitation email');

  // Invitations read as worded: the project's own, and the reseller's for the other project.
  const own = `${unique('own')}@e2e.test`.toLowerCase();
  const other = `${unique('other')}@e2e.test`.toLowerCase();
  await invite(request, asClient, worded, own);
  await invite(request, asClient, plain, other);
  expect((await waitForMail(own)).subject).toMatch(/^Worded-.*: your invitation$/);
  const otherMail = await waitForMail(other);
  expect(otherMail.subject).toBe(`Grace, ${clientName} would like to meet you`);
  expect(otherMail.text).toMatch(/Plain-\S+ is waiting for you\./);

  // Back to the earlier text: the project uses the reseller's again.
  await editor.getByTestId('mail-text-reset').click();
  await editor.getByTestId('mail-text-reset-confirm').click();
  await expect(cp.getByTestId('toast').filter({ hasText: 'Back to the earlier text' })).toBeVisible();
  await expect(editor.getByTestId('mail-text-state')).toContainText("the text for the client's skin");
  await clientContext.close();
});
