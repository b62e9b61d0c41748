// The example portal (examples/portal/) embeds <rds-backup-console> from the package that
// scripts/build-packages.sh builds. The portal is served from one origin, the proxy (demo
// mode) from another, allowed with --allow-origin. A submit fires backup-submitted with
// the job id; the portal's rude CSS does not reach the console; --accent themes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { scratch } from './scratch.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
let server;
let proxy;
let browser;
let portalOrigin;
let proxyUrl;

before(async () => {
  // A plain static server for the repository (the portal and target/pkg).
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream' }).end(data);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  portalOrigin = `http://127.0.0.1:${server.address().port}`;
  const home = scratch('portal');
  proxy = spawn(join(root, 'target', 'debug', 'rds-backup-proxy'), ['--demo', '--listen', '127.0.0.1:0', '--dist', '/nonexistent', '--demo-job-seconds', '2', '--allow-origin', portalOrigin], {
    env: { ...process.env, HOME: home },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  proxyUrl = await new Promise((resolve) => proxy.stdout.on('data', (d) => {
    const m = /console: (\S+)\//.exec(String(d));
    if (m) resolve(m[1]);
  }));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  proxy?.kill('SIGTERM');
  server?.close();
});

test('the portal embeds the console; a submit fires backup-submitted; its CSS stays out', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${portalOrigin}/examples/portal/?proxy=${encodeURIComponent(proxyUrl)}`);
  // Playwright's CSS selectors reach into open shadow roots.
  await page.waitForSelector('rds-backup-console .banner.demo');
  await page.waitForFunction(() => document.querySelector('rds-backup-console').shadowRoot.querySelector('input[name=DBInstanceId][data-loaded]'));
  await page.waitForFunction(() => document.querySelector('rds-backup-console').shadowRoot.querySelector('.console[data-panels=ready]'));
  await page.fill('rds-backup-console input[name=DBInstanceId]', 'rm-demo-mysql-cloud');
  await page.waitForSelector('rds-backup-console .instance-info');
  await page.selectOption('rds-backup-console select[name=BackupMethod]', 'Snapshot');
  await page.waitForSelector('.event.request-changed');

  // The host page's CSS does not reach in; the custom property does.
  const style = await page.evaluate(() => {
    const shadow = document.querySelector('rds-backup-console').shadowRoot;
    const cs = (sel) => getComputedStyle(shadow.querySelector(sel));
    return {
      selectBackground: cs('select[name=BackupMethod]').backgroundColor,
      selectFont: cs('select[name=BackupMethod]').fontSize,
      headingColor: cs('h1').color,
      headingTransform: cs('h1').textTransform,
      buttonBackground: cs('button.primary').backgroundColor,
      hostUrl: location.href,
    };
  });
  assert.notEqual(style.selectBackground, 'rgb(255, 0, 0)');
  assert.notEqual(style.selectFont, '40px');
  assert.notEqual(style.headingColor, 'rgb(128, 0, 128)');
  assert.equal(style.headingTransform, 'none');
  assert.equal(style.buttonBackground, 'rgb(0, 128, 0)', 'themed through --accent');
  assert.ok(!style.hostUrl.includes('BackupMethod'), 'the console leaves the portal URL alone');

  await page.click('rds-backup-console button[name=send]');
  const submitted = await page.textContent('.event.backup-submitted', { timeout: 10000 });
  const detail = JSON.parse(submitted.replace('backup-submitted ', ''));
  assert.match(detail.BackupJobId, /^\d+$/);
  assert.equal(detail.DBInstanceId, 'rm-demo-mysql-cloud');
  const finished = await page.textContent('.event.backup-finished', { timeout: 15000 });
  assert.match(finished, /"BackupStatus":"Finished"/);
  await page.screenshot({ path: join(root, 'tests', 'artifacts', 'portal.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('backup-finished fires for a job the page started, also after a reload', async () => {
  const page = await browser.newPage();
  await page.goto(`${portalOrigin}/examples/portal/?proxy=${encodeURIComponent(proxyUrl)}`);
  await page.waitForSelector('rds-backup-console .banner.demo');
  await page.waitForFunction(() => document.querySelector('rds-backup-console').shadowRoot.querySelector('input[name=DBInstanceId][data-loaded]'));
  await page.waitForFunction(() => document.querySelector('rds-backup-console').shadowRoot.querySelector('.console[data-panels=ready]'));
  await page.fill('rds-backup-console input[name=DBInstanceId]', 'pgm-demo-pg-local');
  await page.waitForSelector('rds-backup-console .instance-info');
  await page.selectOption('rds-backup-console select[name=BackupMethod]', 'Physical');
  await page.click('rds-backup-console button[name=send]');
  const submitted = JSON.parse((await page.textContent('.event.backup-submitted', { timeout: 10000 })).replace('backup-submitted ', ''));
  // The page goes away before the job ends; the reloaded page still hears of its end.
  await page.reload();
  const finished = JSON.parse((await page.textContent('.event.backup-finished', { timeout: 15000 })).replace('backup-finished ', ''));
  assert.equal(finished.SubmissionId, submitted.SubmissionId);
  assert.equal(finished.BackupStatus, 'Finished');
  assert.match(finished.BackupId, /^\d+$/);
  await page.close();
});
