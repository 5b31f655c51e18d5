// docs/PARTNERS.md runs as written: its `sh` blocks, in order, in one bash with the key a client
// user made, against this live server; then its signature checks (shell, Python, Node) against
// the delivery the invitation caused — each says "verified", and "forged" for a tampered body.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { bearer, resellerWithClient } from './world';

/** The guide's fenced blocks of one language, with the rest of their info string. */
function blocks(markdown: string, lang: string): { info: string; code: string }[] {
  const found: { info: string; code: string }[] = [];
  for (const m of markdown.matchAll(/^```(\S+)([^\n]*)\n([\s\S]*?)^```$/gm)) {
    if (m[1] === lang) found.push({ info: m[2].trim(), code: m[3] });
  }
  return found;
}

/** A local endpoint (run.sh allows http to 127.0.0.1) that keeps each delivery's signature and raw body. */
async function receiver() {
  const received: { signature: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ signature: String(req.headers['credence-signature'] ?? ''), body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, close: () => server.close() };
}

test('the partner guide runs as written against a live server', async ({ request, baseURL }) => {
  test.setTimeout(120_000);
  const guide = readFileSync(join(__dirname, '..', '..', 'docs', 'PARTNERS.md'), 'utf8');
  const { client } = await resellerWithClient(request, 20);
  const asClient = await bearer(request, client.email, client.password);

  // 1. The key a client user makes on the Integrations page.
  const made = await request.post('/api/v1/api-keys', {
    headers: asClient,
    data: { name: 'ATS sync', scopes: ['read', 'projects', 'candidates'] },
  });
  expect(made.status()).toBe(201);
  const key = await made.json();
  // 4. The webhook a person adds there.
  const hooks = await receiver();
  try {
    const hook = await request.post('/api/v1/webhooks', {
      headers: asClient,
      data: { url: hooks.url, events: ['candidate.invited', 'candidate.completed'] },
    });
    expect(hook.status()).toBe(201);
    const secret = (await hook.json()).secret as string;

    const dir = mkdtempSync(join(tmpdir(), 'partners-guide-'));
    const env = { ...process.env, CREDENCE_URL: baseURL!.replace(/\/$/, ''), CLIENT_ID: key.client_id, CLIENT_SECRET: key.client_secret };
    const steps = blocks(guide, 'sh').filter((b) => b.info !== 'verify');
    expect(steps.length).toBeGreaterThanOrEqual(5);
    const out = execFileSync('bash', ['-euo', 'pipefail', '-c', steps.map((b) => b.code).join('\n')], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    expect(out).toMatch(/^project [0-9a-f-]{36}$/m);
    expect(out).toMatch(/^candidate [0-9a-f-]{36}, invited once$/m);
    expect(out).toMatch(/^invited$/m);
    expect(out).toMatch(/^ratelimit-remaining: \d+/im);

    // The invitation's event arrives, once (the retried invitation made none).
    await expect.poll(() => hooks.received.filter((r) => JSON.parse(r.body).type === 'candidate.invited').length, { timeout: 20_000 }).toBe(1);
    const delivery = hooks.received.find((r) => JSON.parse(r.body).type === 'candidate.invited')!;
    const verifyEnv = { ...env, WEBHOOK_SECRET: secret, SIGNATURE: delivery.signature };
    const shell = blocks(guide, 'sh').filter((b) => b.info === 'verify');
    const python = blocks(guide, 'python');
    const node = blocks(guide, 'js');
    expect([shell.length, python.length, node.length]).toEqual([1, 1, 1]);
    const check = (body: string): string[] => {
      writeFileSync(join(dir, 'body.json'), body);
      const run = (cmd: string, args: string[]) => {
        try {
          return execFileSync(cmd, args, { cwd: dir, env: verifyEnv, encoding: 'utf8' }).trim();
        } catch (e) {
          return String((e as { stdout?: string }).stdout ?? '').trim();
        }
      };
      return [
        run('bash', ['-euo', 'pipefail', '-c', shell[0].code]),
        run('python3', ['-c', python[0].code]),
        run('node', ['-e', node[0].code]),
      ];
    };
    expect(check(delivery.body)).toEqual(['verified', 'verified', 'verified']);
    expect(check(delivery.body.replace('"candidate.invited"', '"candidate.completed"'))).toEqual(['forged', 'forged', 'forged']);
  } finally {
    hooks.close();
  }
});
