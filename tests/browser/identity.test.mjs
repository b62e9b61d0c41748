// The embedded console against a proxy that wants OIDC tokens (--auth oidc): the test
// issuer (tests/sdk/python/oidc_issuer.py, PyJWT) signs them, the host page hands them to
// the console with getAccessToken, the proxy verifies them against the issuer's JWKS.
// A backup goes through and the audit line names the user; with no token the console
// says the user is not signed in, and nothing is sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { scratch } from './scratch.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
let issuer;
let issuerUrl;
let server;
let portalOrigin;
let proxy;
let proxyUrl;
let browser;
const auditLog = join(scratch('oidc'), 'audit.jsonl');

/** The host page: the element, given a token by getAccessToken (or not, with ?token=none). */
function hostPage(search) {
  const params = new URLSearchParams(search);
  const user = params.get('user') || 'alice';
  const withToken = params.get('token') !== 'none';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>portal</title></head><body>
<rds-backup-console region="cn-hangzhou" locale="en" proxy-url="${proxyUrl}"></rds-backup-console>
<pre id="log"></pre>
<script type="module">
  const element = document.querySelector('rds-backup-console');
  window.tokenRequests = 0;
  ${withToken ? `element.getAccessToken = async () => {
    window.tokenRequests += 1;
    const r = await fetch('${issuerUrl}/token?user=${user}');
    return (await r.json()).token;
  };` : ''}
  for (const name of ['backup-submitted', 'backup-finished']) {
    element.addEventListener(name, (e) => {
      const line = document.createElement('div');
      line.className = 'event ' + name;
      line.textContent = name + ' ' + JSON.stringify(e.detail);
      document.getElementById('log').append(line);
    });
  }
  await import('/target/pkg/rds-backup-console/element.js');
</script></body></html>`;
}

function firstLine(child, pattern) {
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`exited (${code})`)));
    let seen = '';
    child.stdout.on('data', (d) => {
      seen += String(d);
      const m = pattern.exec(seen);
      if (m) resolve(m[1]);
    });
  });
}

before(async () => {
  issuer = spawn(join(root, 'tests/sdk/python/.venv/bin/python'), [join(root, 'tests/sdk/python/oidc_issuer.py')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  issuerUrl = await firstLine(issuer, /listening on (\S+)/);
  server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/host.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(hostPage(url.search));
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    readFile(join(root, path), (err, data) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': types[extname(path)] || 'application/octet-stream' }).end(data);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  portalOrigin = `http://127.0.0.1:${server.address().port}`;
  const home = scratch('oidc-home');
  proxy = spawn(join(root, 'target', 'debug', 'rds-backup-proxy'), [
    '--demo', '--listen', '127.0.0.1:0', '--dist', '/nonexistent', '--demo-job-seconds', '2',
    '--allow-origin', portalOrigin, '--auth', 'oidc', '--oidc-issuer', issuerUrl,
    '--oidc-audience', 'rds-backup-console', '--audit-log', auditLog,
  ], { env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] });
  proxyUrl = (await firstLine(proxy, /console: (\S+)\//));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  proxy?.kill('SIGTERM');
  issuer?.kill('SIGTERM');
  server?.close();
});

const audit = () => readFileSync(auditLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** The audit log is written by a thread of its own, after the answer may have gone out:
 * waits (at most `ms`) for a line that matches. */
async function auditLine(matches, ms = 5000) {
  const until = Date.now() + ms;
  for (;;) {
    const line = audit().find(matches);
    if (line || Date.now() > until) return line;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('embedded with getAccessToken: the caller is named and a backup goes through as them', async (t) => {
  const page = await browser.newPage();
  t.after(() => page.close());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${portalOrigin}/host.html?user=alice`);
  await page.waitForSelector('rds-backup-console .caller .user');
  assert.equal(await page.textContent('rds-backup-console .caller .user'), 'alice');
  await page.waitForFunction(() => document.querySelector('rds-backup-console').shadowRoot.querySelector('input[name=DBInstanceId][data-loaded]'));
  await page.waitForFunction(() => document.querySelector('rds-backup-console').shadowRoot.querySelector('.console[data-panels=ready]'));
  await page.fill('rds-backup-console input[name=DBInstanceId]', 'rm-demo-mysql-cloud');
  await page.waitForSelector('rds-backup-console .instance-info');
  await page.selectOption('rds-backup-console select[name=BackupMethod]', 'Snapshot');
  await page.click('rds-backup-console button[name=send]');
  const submitted = await page.textContent('.event.backup-submitted', { timeout: 10000 });
  const detail = JSON.parse(submitted.replace('backup-submitted ', ''));
  assert.match(detail.BackupJobId, /^\d+$/);
  const line = await auditLine((l) => l.outcome === 'sent' && l.instance === 'rm-demo-mysql-cloud');
  assert.ok(line, JSON.stringify(audit()));
  assert.equal(line.user, 'alice');
  // The token was asked once and reused, not fetched for every call.
  assert.ok(await page.evaluate(() => window.tokenRequests) <= 2);
  await page.textContent('.event.backup-finished', { timeout: 15000 });
  assert.deepEqual(errors, []);
});

test('with no token the console says the user is not signed in and sends nothing', async (t) => {
  // Only this page's instance counts: the first test's lines may still be arriving.
  const local = () => audit().filter((l) => l.instance === 'rm-demo-mysql-local').length;
  const before = local();
  const page = await browser.newPage();
  t.after(() => page.close());
  await page.goto(`${portalOrigin}/host.html?token=none`);
  const notice = await page.textContent('rds-backup-console .sign-in', { timeout: 10000 });
  assert.match(notice, /not signed in/);
  await page.fill('rds-backup-console input[name=DBInstanceId]', 'rm-demo-mysql-local');
  await page.selectOption('rds-backup-console select[name=Engine]', 'MySQL');
  await page.selectOption('rds-backup-console select[name=StorageType]', 'local_ssd');
  await page.selectOption('rds-backup-console select[name=BackupMethod]', 'Physical');
  assert.equal(await page.isDisabled('rds-backup-console button[name=send]'), true);
  assert.equal(local(), before);
  await page.screenshot({ path: join(root, 'tests', 'artifacts', 'signed-out.png') });
});

test('standalone with --auth tokens: the console asks for the token once and keeps it for the tab', async () => {
  const dir = scratch('tokens');
  const tokens = join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify({ 'bob-token-0123456789ab': 'bob' }));
  const standalone = spawn(join(root, 'target', 'debug', 'rds-backup-proxy'), [
    '--demo', '--listen', '127.0.0.1:0', '--dist', join(root, 'dist'), '--auth', 'tokens', '--tokens', tokens,
  ], { env: { ...process.env, HOME: dir }, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const url = await firstLine(standalone, /console: (\S+)/);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('form.sign-in input[name=token]');
    await page.fill('input[name=token]', 'not-the-token-00000000');
    await page.click('button[name=use-token]');
    await page.waitForFunction(() => /did not accept/.test(document.querySelector('form.sign-in')?.textContent || ''));
    await page.fill('input[name=token]', 'bob-token-0123456789ab');
    await page.click('button[name=use-token]');
    await page.waitForSelector('.caller .user');
    assert.equal(await page.textContent('.caller .user'), 'bob');
    await page.waitForFunction(() => document.querySelector('input[name=DBInstanceId][data-loaded]'));
    await page.waitForSelector('.console[data-panels=ready]'); // the panels module, loaded after the form
    await page.reload();
    await page.waitForSelector('.caller .user');
    assert.equal(await page.textContent('.caller .user'), 'bob', 'the token is kept for the tab');
    await page.click('button[name=sign-out]');
    await page.waitForSelector('form.sign-in input[name=token]');
    await context.close();
  } finally {
    standalone.kill('SIGTERM');
  }
});
