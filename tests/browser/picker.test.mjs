// The instance picker against a fleet of 5,000 instances (the proxy in demo mode with a
// generated fleet), in headless Chromium: a console load and each search cost at most
// one DescribeDBInstances (counted on the proxy's metrics), the results match what was
// typed, only the rows in view are drawn, the keyboard moves and picks (the ARIA
// combobox pattern), the pick fills the form, and scrolling loads the next page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { scratch } from './scratch.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name) => join(root, 'target', process.env.RDS_PROFILE_DIR || 'debug', name);
let browser;
let proxy;
let url;
let metrics;

before(async () => {
  const dir = scratch('picker');
  const fleet = join(dir, 'fleet.json');
  writeFileSync(fleet, execFileSync(bin('rds-emulator'), ['--write-fleet', '5000'], { maxBuffer: 64 << 20 }));
  proxy = spawn(bin('rds-backup-proxy'), [
    '--demo', '--listen', '127.0.0.1:0', '--dist', join(root, 'dist'), '--demo-fleet', fleet,
    '--metrics-listen', '127.0.0.1:0',
  ], { env: { ...process.env, HOME: dir }, stdio: ['ignore', 'pipe', 'ignore'] });
  [url, metrics] = await new Promise((resolve, reject) => {
    proxy.on('exit', (code) => reject(new Error(`proxy exited (${code})`)));
    let out = '';
    proxy.stdout.on('data', (d) => {
      out += String(d);
      const c = /console: (\S+)/.exec(out);
      const m = /metrics: (\S+)/.exec(out);
      if (c && m) resolve([c[1].replace(/\/$/, ''), m[1]]);
    });
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  proxy?.kill('SIGTERM');
});

/** DescribeDBInstances calls the proxy has made so far. */
async function listings() {
  const text = await (await fetch(metrics)).text();
  return text.split('\n')
    .filter((l) => l.startsWith('rds_backup_proxy_upstream_calls_total{') && l.includes('action="DescribeDBInstances"'))
    .reduce((n, l) => n + Number(l.trim().split(/\s+/).pop()), 0);
}

const settle = (ms) => new Promise((r) => setTimeout(r, ms));

test('the picker searches 5,000 instances in the proxy, one call per search, and picks by keyboard', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const before = await listings();
  await page.goto(`${url}/`);
  const input = 'input[name=DBInstanceId]';
  await page.waitForSelector(`${input}[data-loaded]`);
  await settle(300);
  assert.equal(await listings() - before, 1, 'a console load lists one page');
  assert.equal(await page.getAttribute(input, 'role'), 'combobox');
  assert.equal(await page.getAttribute(input, 'aria-controls'), 'instances');

  // Typing: one search after the pause, its results match.
  await page.focus(input);
  const atTyping = await listings();
  await page.keyboard.type('mysql running', { delay: 25 });
  await page.waitForFunction(() => {
    const ids = [...document.querySelectorAll('#instances [role=option] .meta')].map((m) => m.textContent);
    return ids.length > 0 && ids.every((m) => m.startsWith('MySQL') && m.includes('Running'));
  });
  await settle(300);
  assert.equal(await listings() - atTyping, 1, 'one search, one DescribeDBInstances');
  assert.equal(await page.getAttribute(input, 'aria-expanded'), 'true');
  // Only the rows in view are drawn; the list knows its size.
  const drawn = await page.$$eval('#instances [role=option]', (os) => os.length);
  const size = Number(await page.getAttribute('#instances [role=option]', 'aria-setsize'));
  assert.ok(size >= 40, `${size} results`);
  assert.ok(drawn <= 16, `${drawn} rows drawn of ${size}`);

  // Scrolling to the end loads the next page: one more call.
  const atScroll = await listings();
  await page.$eval('.combo .listbox', (l) => { l.scrollTop = l.scrollHeight; l.dispatchEvent(new Event('scroll')); });
  await page.waitForFunction((n) => Number(document.querySelector('#instances [role=option]')?.getAttribute('aria-setsize')) > n, size);
  assert.equal(await listings() - atScroll, 1, 'the next page, one call');
  await page.$eval('.combo .listbox', (l) => { l.scrollTop = 0; l.dispatchEvent(new Event('scroll')); });

  // The keyboard: down twice, the active option named by aria-activedescendant, Enter picks.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const active = await page.getAttribute(input, 'aria-activedescendant');
  assert.equal(active, 'opt-1');
  assert.equal(await page.getAttribute(`#${active}`, 'aria-selected'), 'true');
  const chosen = await page.getAttribute(`#${active}`, 'data-id');
  const meta = await page.textContent(`#${active} .meta`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector('input[name=DBInstanceId]').value === id, chosen);
  await page.waitForSelector('.instance-info');
  assert.equal(await page.getAttribute(input, 'aria-expanded'), 'false');
  assert.equal(await page.$eval('select[name=Engine]', (s) => s.value), 'MySQL');
  assert.equal(await page.$eval('select[name=StorageType]', (s) => s.value), meta.split(' · ')[1]);
  // Picked, the form asks or is valid: no error before the user changes a field.
  assert.equal(await page.$$eval('form.compose .problems', (p) => p.length), 0);

  // Escape closes the list; typing an id in part finds it.
  await page.fill(input, '');
  await page.keyboard.type(chosen.slice(0, -1), { delay: 25 });
  await page.waitForSelector(`#instances [role=option][data-id="${chosen}"]`);
  await page.screenshot({ path: join(root, 'tests', 'artifacts', 'picker.png') });
  await page.keyboard.press('Escape');
  assert.equal(await page.getAttribute(input, 'aria-expanded'), 'false');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an answer to a search still on its way when the form is reset does not bring the instance back', async () => {
  const page = await browser.newPage();
  await page.goto(`${url}/`);
  const input = 'input[name=DBInstanceId]';
  await page.waitForSelector(`${input}[data-loaded]`);
  const id = await page.getAttribute('#instances [role=option]', 'data-id').catch(() => null)
    ?? (await (await fetch(`${url}/api/instances?RegionId=cn-hangzhou`)).json()).Instances[0].DBInstanceId;
  // The search for the typed id is held back until the form has been reset, then answered
  // at once: while the console waits for a pause in typing before it searches again.
  let release;
  const reset = new Promise((r) => { release = r; });
  await page.route('**/api/instances?*', async (route) => {
    if (route.request().url().includes(`Search=${id}`)) await reset;
    await route.continue();
  });
  await page.fill(input, id);
  await page.waitForRequest((r) => r.url().includes(`Search=${id}`));
  await page.keyboard.press('Escape'); // the list would cover the button
  await page.click('button[name=reset]');
  await page.waitForFunction(() => document.querySelector('input[name=DBInstanceId]').value === '');
  release();
  await settle(1200);
  assert.equal(await page.$eval(input, (i) => i.value), '', 'the late answer picked the instance again');
  assert.equal(await page.$('.instance-info'), null);
  await page.close();
});
