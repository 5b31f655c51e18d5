// Shared helpers of the journeys: the mail catcher's inbox, signing in through the UI, and the
// accessibility and layout check of every page a journey visits.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const admin = {
  email: required('E2E_ADMIN_EMAIL'),
  password: required('E2E_ADMIN_PASSWORD'),
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; start the journeys with e2e/run.sh`);
  return value;
}

/**
 * The vendor's part, through the API: a reseller on the first skin and its user, who has set
 * `password` through the welcome link. The reseller's name and id.
 */
export async function resellerUserWithPassword(
  request: APIRequestContext,
  resellerName: string,
  user: { name: string; email: string; password: string },
): Promise<{ name: string; id: string }> {
  const loginResp = await request.post('/api/v1/auth/login', { data: { email: admin.email, password: admin.password } });
  expect(loginResp.status()).toBe(200);
  const headers = { Authorization: `Bearer ${(await loginResp.json()).access_token}` };
  const brands = await request.get('/api/v1/admin/brands', { headers });
  expect(brands.status()).toBe(200);
  const brandIds = ((await brands.json()).data as { id: string }[]).slice(0, 1).map((b) => b.id);
  const reseller = await request.post('/api/v1/admin/resellers', {
    headers,
    data: {
      name: resellerName,
      contact_email: `${unique('contact')}@e2e.test`.toLowerCase(),
      discount_percent: 15,
      currency: 'GBP',
      brand_ids: brandIds,
    },
  });
  expect(reseller.status()).toBe(201);
  const id = (await reseller.json()).id as string;
  const created = await request.post(`/api/v1/admin/resellers/${id}/users`, { headers, data: { name: user.name, email: user.email } });
  expect(created.status()).toBe(201);
  const welcome = await waitForMail(user.email);
  const token = new URL(setPasswordLink(welcome), 'http://x').searchParams.get('token');
  const set = await request.post('/api/v1/auth/password/set', { data: { token, password: user.password } });
  expect(set.status()).toBe(204);
  return { name: resellerName, id };
}

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}

export interface Mail {
  file: string;
  to: string;
  subject: string;
  /** The From header, encoded words decoded, e.g. `Acme Assess <noreply@platform.example>`. */
  from: string;
  /** The Reply-To header, or '' when there is none. */
  replyTo: string;
  /** All decoded text of the message (every text part, transfer encodings undone). */
  text: string;
}

function decodeQuotedPrintable(s: string): string {
  const bytes: number[] = [];
  const soft = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words in headers, e.g. `=?utf-8?q?Welcome?=`. */
function decodeHeader(value: string): string {
  return value.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=\s*/g, (_m, _charset, enc, data) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const sep = raw.search(/\r?\n\r?\n/);
  const head = sep === -1 ? raw : raw.slice(0, sep);
  const body = sep === -1 ? '' : raw.slice(sep).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}

/** The decoded text of a MIME entity: walks multiparts, undoes base64 and quoted-printable. */
function textOf(raw: string): string {
  const { headers, body } = splitHeaders(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((part) => !part.startsWith('--'))
      .map((part) => textOf(part.replace(/^\r?\n/, '')))
      .join('\n');
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

export function readMail(file: string): Mail {
  const raw = fs.readFileSync(file, 'utf8');
  const { headers } = splitHeaders(raw);
  return {
    file,
    to: `${headers.get('to') ?? ''} ${headers.get('x-envelope-to') ?? ''}`,
    subject: decodeHeader(headers.get('subject') ?? ''),
    from: decodeHeader(headers.get('from') ?? ''),
    replyTo: decodeHeader(headers.get('reply-to') ?? ''),
    text: textOf(raw),
  };
}

/** Waits for a message to `address` that is not among `seen` (file names), and returns it. */
export async function waitForMail(address: string, seen: Set<string> = new Set(), timeoutMs = 30_000): Promise<Mail> {
  const dir = required('E2E_MAIL_DIR');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.eml') && !seen.has(f))
      .sort();
    for (const f of files) {
      const mail = readMail(path.join(dir, f));
      if (mail.to.toLowerCase().includes(address.toLowerCase())) return mail;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no email to ${address} arrived within ${timeoutMs} ms`);
}

/** File names of every message to `address` so far. */
export function mailsTo(address: string): Set<string> {
  const dir = required('E2E_MAIL_DIR');
  return new Set(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .filter((f) => readMail(path.join(dir, f)).to.toLowerCase().includes(address.toLowerCase())),
  );
}

/** The one-time `/set-password?token=…&email=…` link in a message, as a path for `page.goto`. */
export function setPasswordLink(mail: Mail): string {
  const m = /https?:\/\/[^\s"'<>]+\/set-password\?token=[^\s"'<>]+/.exec(mail.text);
  if (!m) throw new Error(`no set-password link in ${mail.file}:\n${mail.text}`);
  const url = new URL(m[0].replace(/&amp;/g, '&'));
  return `${url.pathname}${url.search}`;
}

export async function login(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

export async function logout(page: Page): Promise<void> {
  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId('login-submit')).toBeVisible();
}

/** On the set-password page: the policy, then a password typed twice. */
export async function choosePassword(page: Page, password: string): Promise<void> {
  await page.getByTestId('new-password').fill(password);
  await page.getByTestId('confirm-password').fill(password);
  await page.getByTestId('set-password-submit').click();
}

/** The test area's privacy notice: tick the box and confirm; the tests are listed then. */
export async function confirmPrivacyNotice(page: Page): Promise<void> {
  const notice = page.getByTestId('privacy-notice');
  await expect(notice).toBeVisible();
  await expect(page.getByTestId('test-list')).toHaveCount(0);
  await expect(page.getByTestId('consent-confirm')).toBeDisabled();
  await page.getByTestId('consent-checkbox').check();
  await page.getByTestId('consent-confirm').click();
  await expect(notice).toHaveCount(0);
  await expect(page.getByTestId('test-list')).toBeVisible();
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Waits until finite animations (a toast sliding in) are over; spinners run forever. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
  );
}

/**
 * The page as it is now, at desktop (1280×800) and phone (390 px) width: no serious or critical
 * axe violation (WCAG 2.1 A and AA), and nothing wider than the screen. A full-page screenshot of
 * each width is attached to the test (test-results/) to look at. The viewport is restored.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  try {
    for (const [width, size] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(size);
      await settle(page);
      const results = await new AxeBuilder({ page }).withTags(WCAG_AA).analyze();
      const serious = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(serious, `axe on ${name} at ${width} width`).toEqual([]);
      const { scrollWidth, innerWidth, culprits } = await page.evaluate(() => {
        // The outermost elements that reach past the right edge, to say what to fix.
        const past = (el: Element) => el.getBoundingClientRect().right > window.innerWidth + 0.5;
        const culprits = [...document.body.querySelectorAll('*')]
          .filter((el) => past(el) && !(el.parentElement && past(el.parentElement)))
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${Math.round(el.getBoundingClientRect().right)} px)`);
        return { scrollWidth: document.scrollingElement?.scrollWidth ?? 0, innerWidth: window.innerWidth, culprits };
      });
      expect(scrollWidth, `${name} at ${width} width is wider than the screen: ${culprits.join(', ')}`).toBeLessThanOrEqual(
        innerWidth,
      );
      const file = test.info().outputPath(`${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await test.info().attach(`${name} (${width})`, { path: file, contentType: 'image/png' });
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
}
