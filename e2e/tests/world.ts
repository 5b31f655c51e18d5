// A small world made over the API, as the vendor and a reseller would: a reseller with one user,
// a client with credits and one client user, each with a password chosen through the welcome
// email's one-time link.
import { expect, type APIRequestContext } from '@playwright/test';
import { admin, setPasswordLink, unique, waitForMail } from './support';

export interface Account {
  email: string;
  password: string;
}

export async function bearer(request: APIRequestContext, email: string, password: string): Promise<Record<string, string>> {
  const resp = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(resp.status()).toBe(200);
  return { Authorization: `Bearer ${(await resp.json()).access_token}` };
}

/** Chooses a password through the welcome email's one-time link. */
export async function acceptWelcome(request: APIRequestContext, email: string, password: string): Promise<void> {
  const welcome = await waitForMail(email);
  const token = new URL(setPasswordLink(welcome), 'http://x').searchParams.get('token');
  const set = await request.post('/api/v1/auth/password/set', { data: { token, password } });
  expect(set.status()).toBe(204);
}

/** Over the API: admin → reseller (+ user), reseller → client with `credits` → client user. */
export async function resellerWithClient(
  request: APIRequestContext,
  credits: number,
): Promise<{ reseller: Account; client: Account; clientName: string; clientId: string }> {
  const asAdmin = await bearer(request, admin.email, admin.password);
  const reseller = await request.post('/api/v1/admin/resellers', {
    headers: asAdmin,
    data: {
      name: unique('Projects Partner'),
      contact_email: `${unique('pp')}@e2e.test`.toLowerCase(),
      discount_percent: 10,
      currency: 'GBP',
      brand_ids: [],
    },
  });
  expect(reseller.status()).toBe(201);
  const resellerAccount = { email: `${unique('rory')}@e2e.test`.toLowerCase(), password: `Reseller-${unique('pw')}` };
  const rUser = await request.post(`/api/v1/admin/resellers/${(await reseller.json()).id}/users`, {
    headers: asAdmin,
    data: { name: 'Rory Reseller', email: resellerAccount.email },
  });
  expect(rUser.status()).toBe(201);
  await acceptWelcome(request, resellerAccount.email, resellerAccount.password);

  const asReseller = await bearer(request, resellerAccount.email, resellerAccount.password);
  const clientName = unique('Initech');
  const client = await request.post('/api/v1/clients', {
    headers: asReseller,
    data: {
      name: clientName,
      contact_name: 'Ivy Contact',
      contact_email: `${unique('ivy')}@e2e.test`.toLowerCase(),
      initial_credits: credits,
    },
  });
  expect(client.status()).toBe(201);
  const clientId = (await client.json()).id;
  const clientAccount = { email: `${unique('cara')}@e2e.test`.toLowerCase(), password: `Client-${unique('pw')}` };
  const cUser = await request.post('/api/v1/client-users', {
    headers: asReseller,
    data: { client_id: clientId, name: 'Cara Client', email: clientAccount.email },
  });
  expect(cUser.status()).toBe(201);
  await acceptWelcome(request, clientAccount.email, clientAccount.password);
  return { reseller: resellerAccount, client: clientAccount, clientName, clientId };
}
