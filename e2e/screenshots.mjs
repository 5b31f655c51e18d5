// Captures the README's screenshots from a server seeded with `credence seed-demo`.
//   node screenshots.mjs <base-url> <out-dir>      (run by `make screenshots`)
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const [base, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function session(email, password, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return { context, page };
}

async function shot(page, path, name, fullPage = false) {
  await page.goto(`${base}${path}`);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/${name}.png`, fullPage });
  console.log(`${name}.png  ${path}`);
}

const anonymous = await browser.newContext({ viewport: { width: 1280, height: 800 } });
await shot(await anonymous.newPage(), '/login', 'login');

const admin = await session('admin@credence.local', 'credence-admin-demo');
await shot(admin.page, '/admin/resellers', 'admin-resellers');

const reseller = await session('reseller@credence.local', 'credence-reseller-demo');
await shot(reseller.page, '/reseller/clients', 'reseller-clients');
await shot(reseller.page, '/reseller/clients/new', 'reseller-client-create');
await shot(reseller.page, '/reseller/credit-orders', 'reseller-credit-order');

const client = await session('client@credence.local', 'credence-client-demo');
await client.page.goto(`${base}/client/projects`);
await client.page.waitForLoadState('networkidle');
const project = client.page.locator('a[href^="/client/projects/01"]').first();
const href = (await project.count()) ? await project.getAttribute('href') : '/client/projects';
await shot(client.page, href, 'client-project', true);

// The candidate test area at phone width: the self-registration page of the demo project.
// The candidate test area at phone width: the demo project's self-registration page.
const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
await shot(await phone.newPage(), `/test/register?key=${process.env.DEMO_ACCESS_KEY ?? ''}`, 'test-area');

await browser.close();
