// A client user connects Greenhouse on the Integrations page: the credential shown once and the
// URLs to paste work as Greenhouse uses them (list_tests, send_test charging one credit once per
// application), and disabling the connector in the browser stops the credential.
import { expect, test } from '@playwright/test';
import { checkPage, login, unique } from './support';
import { bearer, resellerWithClient } from './world';

test('a client user connects Greenhouse, which sends a candidate once, and disables it', async ({ page, request }) => {
  test.setTimeout(90_000);
  const { client } = await resellerWithClient(request, 5);
  const asClient = await bearer(request, client.email, client.password);
  const catalogue = await (await request.get('/api/v1/tests', { headers: asClient })).json();
  const test0 = catalogue.data[0];
  const projectName = unique('Greenhouse intake');
  const project = await request.post('/api/v1/projects', {
    headers: asClient,
    data: { name: projectName, tests: [{ test_id: test0.id, norm_group_id: test0.norm_groups[0].id }] },
  });
  expect(project.status()).toBe(201);
  const projectId = (await project.json()).id as string;

  await login(page, client.email, client.password);
  await page.getByTestId('nav-integrations').click();
  const card = page.getByTestId('ats-connectors');
  await expect(card.getByTestId('ats-greenhouse')).toContainText('Not connected.');
  await card.getByTestId('ats-connect-greenhouse').click();
  const credential = (await page.getByTestId('ats-credential-value').textContent())!.trim();
  expect(credential).toMatch(/^ats_greenhouse_/);
  await expect(card.getByTestId('ats-greenhouse').getByTestId('ats-connected')).toBeVisible();
  const sendUrl = (await card.getByTestId('ats-url-send_test').textContent())!.trim();
  expect(sendUrl).toMatch(/\/api\/v1\/ats\/greenhouse\/send_test$/);
  await checkPage(page, 'integrations with an ATS connector');

  // Greenhouse: HTTP Basic with the credential as the username.
  const greenhouse = { Authorization: `Basic ${Buffer.from(`${credential}:`).toString('base64')}` };
  const tests = await request.get('/api/v1/ats/greenhouse/list_tests', { headers: greenhouse });
  expect(tests.status()).toBe(200);
  expect(await tests.json()).toContainEqual({ partner_test_id: projectId, partner_test_name: projectName });
  const send = {
    partner_test_id: projectId,
    application: { id: 4242 },
    candidate: { first_name: 'Gina', last_name: 'House', email: `${unique('gina')}@e2e.test`.toLowerCase() },
  };
  const first = await request.post('/api/v1/ats/greenhouse/send_test', { headers: greenhouse, data: send });
  expect(first.status()).toBe(200);
  const again = await request.post('/api/v1/ats/greenhouse/send_test', { headers: greenhouse, data: send });
  expect(await again.json()).toEqual(await first.json());
  const me = await (await request.get('/api/v1/me', { headers: asClient })).json();
  const balance = (await (await request.get(`/api/v1/clients/${me.client_id}`, { headers: asClient })).json()).credit_balance;
  expect(balance).toBe(5 - test0.credit_cost);

  await card.getByTestId('ats-disable-greenhouse').click();
  await page.getByTestId('ats-disable-greenhouse-confirm').click();
  await expect(card.getByTestId('ats-greenhouse')).toContainText('Not connected.');
  const refused = await request.get('/api/v1/ats/greenhouse/list_tests', { headers: greenhouse });
  expect(refused.status()).toBe(401);
});
