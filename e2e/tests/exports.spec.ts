// Exports: each list's "Export CSV" saves the whole list as it is filtered — a reseller's clients
// and client users, a client user's candidates, the vendor's resellers.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { admin, login, logout } from './support';
import { bearer, resellerWithClient } from './world';

async function exported(page: Page): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
}

test('lists export as CSV with their filters', async ({ page, request }) => {
  test.setTimeout(120_000);
  const { reseller, client, clientName, clientId } = await resellerWithClient(request, 10);
  const asReseller = await bearer(request, reseller.email, reseller.password);
  const code = (await (await request.get(`/api/v1/clients/${clientId}`, { headers: asReseller })).json()).code;

  await login(page, reseller.email, reseller.password);
  await page.getByTestId('nav-clients').click();
  const clients = await exported(page);
  expect(clients.name).toBe('clients.csv');
  expect(clients.text.split('\r\n')[0]).toContain('code,name,contact_name');
  expect(clients.text).toContain(`${code},${clientName},`);
  // Filtered: a search that matches nothing exports the header alone.
  await page.getByTestId('client-search').fill('no such client anywhere');
  await page.getByTestId('client-search').press('Enter');
  const none = await exported(page);
  expect(none.text.trim().split('\r\n')).toHaveLength(1);
  await page.getByTestId('nav-client-users').click();
  const users = await exported(page);
  expect(users.text).toContain(client.email);
  await logout(page);

  // A candidate of the client, invited over the API.
  const asClient = await bearer(request, client.email, client.password);
  const test0 = (await (await request.get('/api/v1/tests', { headers: asClient })).json()).data[0];
  const project = await request.post('/api/v1/projects', {
    headers: asClient,
    data: { name: 'Export intake', tests: [{ test_id: test0.id, norm_group_id: test0.norm_groups[0].id }] },
  });
  expect(project.status()).toBe(201);
  const invited = await request.post('/api/v1/candidates', {
    headers: asClient,
    data: { project_id: (await project.json()).id, first_name: 'Exa', last_name: 'Port', email: 'exa.port@e2e.test' },
  });
  expect(invited.status()).toBe(201);

  await login(page, client.email, client.password);
  await page.getByTestId('nav-candidates').click();
  await expect(page.getByTestId('candidate-list')).toBeVisible();
  const candidates = await exported(page);
  expect(candidates.name).toBe('candidates.csv');
  expect(candidates.text.split('\r\n')[0]).toBe('id,first_name,last_name,email,phone,client,status,invitations,created_at,updated_at');
  expect(candidates.text).toContain(',Exa,Port,exa.port@e2e.test,,');
  await logout(page);

  await login(page, admin.email, admin.password);
  await page.getByTestId('nav-resellers').click();
  const resellers = await exported(page);
  expect(resellers.name).toBe('resellers.csv');
  expect(resellers.text).toContain('Projects Partner');
});
