// The console in headless Chromium (Debian's), served by the real proxy in demo mode
// (its embedded emulator, demo fleet). Run by scripts/test.sh after `trunk build`:
//   node --test tests/browser/
// Screenshots of the main states go to tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { scratch } from './scratch.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name) => join(root, 'target', process.env.RDS_PROFILE_DIR || 'debug', name);
const artifacts = join(root, 'tests', 'artifacts');
mkdirSync(artifacts, { recursive: true });

let proxy;
let base;
let browser;

before(async () => {
  const home = scratch('console');
  proxy = spawn(bin('rds-backup-proxy'), ['--demo', '--listen', '127.0.0.1:0', '--dist', join(root, 'dist'), '--demo-job-seconds', '3'], {
    env: { ...process.env, HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  base = await new Promise((resolve, reject) => {
    proxy.on('exit', (code) => reject(new Error(`the proxy exited (${code})`)));
    proxy.stdout.on('data', (d) => {
      const m = /console: (\S+)/.exec(String(d));
      if (m) resolve(m[1]);
    });
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  proxy?.kill('SIGTERM');
});

/** A fresh page on the console, the proxy's config and the region's instances loaded. */
async function open(url = base, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('.banner.demo');
  await page.waitForFunction(() => document.querySelector('input[name=DBInstanceId][data-loaded]'));
  await page.waitForSelector('.console[data-panels=ready]'); // the panels module, loaded after the form
  page.errors = errors;
  return page;
}

async function pick(page, id) {
  await page.fill('input[name=DBInstanceId]', id);
  await page.waitForFunction((id) => document.querySelector('.instance-info') && document.querySelector('input[name=DBInstanceId]').value === id, id);
}

const enabled = (page, name) => page.$$eval(`select[name=${name}] option:not([disabled])`, (os) => os.map((o) => o.value));
const visible = async (page, name) => (await page.$(`select[name=${name}]`)) !== null;

/** core's choices, through the CLI, as the values a select should enable. */
function coreChoices(engine, storage, set = {}) {
  const args = ['options', '--engine', engine, '--storage', storage];
  for (const [k, v] of Object.entries(set)) args.push('--set', `${k}=${v}`);
  const out = JSON.parse(execFileSync(bin('rds-backup'), args, { encoding: 'utf8' }));
  const byField = {};
  for (const f of out.fields) byField[f.field] = { applies: f.applies, offered: f.offered.map((c) => c.value ?? '') };
  return byField;
}

const demo = [
  ['rm-demo-mysql-local', 'MySQL', 'local_ssd'],
  ['rm-demo-mysql-cloud', 'MySQL', 'cloud_essd'],
  ['pgm-demo-pg-local', 'PostgreSQL', 'local_ssd'],
  ['pgm-demo-pg-cloud', 'PostgreSQL', 'cloud_essd'],
  ['rm-demo-mssql-local', 'SQLServer', 'local_ssd'],
  ['rm-demo-mssql-cloud', 'SQLServer', 'cloud_essd'],
  ['rm-demo-mariadb-cloud', 'MariaDB', 'cloud_ssd'],
];

async function sameAsCore(page, engine, storage, set, label) {
  const core = coreChoices(engine, storage, set);
  for (const field of ['BackupMethod', 'BackupType', 'BackupStrategy']) {
    if (await visible(page, field)) {
      assert.deepEqual(await enabled(page, field), core[field].offered, `${label} ${JSON.stringify(set)}: ${field}`);
    } else {
      assert.equal(core[field].applies, false, `${label} ${JSON.stringify(set)}: ${field} is hidden but applies`);
    }
  }
  return core;
}

test('the console reaches Chromium as the brotli copies the build wrote', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const assets = [];
  page.on('response', (r) => {
    if (/\.(wasm|js|css)$/.test(new URL(r.url()).pathname)) assets.push(r);
  });
  await page.goto(base);
  await page.waitForSelector('.banner.demo');
  assert.ok(assets.length >= 3, assets.map((r) => r.url()).join(' '));
  for (const r of assets) {
    const name = new URL(r.url()).pathname.slice(1);
    assert.equal(r.headers()['content-encoding'], 'br', name);
    assert.equal(r.headers().vary, 'accept-encoding', name);
    const { responseBodySize } = await r.request().sizes();
    assert.equal(responseBodySize, statSync(join(root, 'dist', `${name}.br`)).size, name);
  }
  await context.close();
});

test('a console load logs no error and asks for no missing file (its icon is inline)', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const logged = [];
  page.on('console', (m) => { if (m.type() === 'error') logged.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) logged.push(`${r.status()} ${r.url()}`); });
  await page.goto(base);
  await page.waitForFunction(() => document.querySelector('input[name=DBInstanceId][data-loaded]'));
  await page.waitForSelector('.console[data-panels=ready]'); // the panels module, loaded after the form
  await page.waitForTimeout(300);
  assert.match(await page.getAttribute('link[rel=icon]', 'href'), /^data:image\/svg\+xml,/);
  assert.deepEqual(logged, []);
  await context.close();
});

test('for each engine the offered options equal core\'s choices', async () => {
  const page = await open();
  for (const [id, engine, storage] of demo) {
    await pick(page, id);
    assert.equal(await page.$eval('select[name=Engine]', (s) => s.value), engine);
    assert.equal(await page.$eval('select[name=StorageType]', (s) => s.value), storage);
    const core = await sameAsCore(page, engine, storage, {}, id);
    for (const method of core.BackupMethod.offered.filter((m) => m)) {
      await page.selectOption('select[name=BackupMethod]', method);
      const withMethod = await sameAsCore(page, engine, storage, { BackupMethod: method }, id);
      for (const type of (withMethod.BackupType.applies ? withMethod.BackupType.offered : []).filter((t) => t)) {
        await page.selectOption('select[name=BackupType]', type);
        await sameAsCore(page, engine, storage, { BackupMethod: method, BackupType: type }, id);
        await page.selectOption('select[name=BackupType]', '');
      }
    }
    await page.click('button[name=reset]');
  }
  // MariaDB shows "Snapshot", sends Physical, and says so.
  await pick(page, 'rm-demo-mariadb-cloud');
  const label = await page.$eval('select[name=BackupMethod] option[value=Physical]', (o) => o.textContent);
  assert.equal(label, 'Snapshot');
  assert.match(await page.textContent('form'), /BackupMethod=Physical/);
  assert.deepEqual(page.errors, []);
});

test('the full flow: pick, compose, send, progress to Finished', async () => {
  const page = await open();
  await pick(page, 'rm-demo-mysql-local');
  await page.selectOption('select[name=BackupMethod]', 'Logical');
  await page.selectOption('select[name=BackupStrategy]', 'db');
  await page.waitForSelector('input[name=db][value=orders]');
  await page.check('input[name=db][value=orders]');
  await page.check('input[name=db][value=users]');
  await page.fill('input[name=BackupRetentionPeriod]', '30');
  await page.waitForSelector('dd[data-param=DBName]');
  assert.equal(await page.textContent('dd[data-param=DBName]'), 'orders,users');
  assert.match(await page.textContent('pre.http'), /Signature=YourSignature/);
  assert.match(await page.textContent('pre.http'), /BackupStrategy=db/);
  // Not full-page: resizing for a full-page shot leaves Chromium's scroll state to snap back on the next blur.
  await page.screenshot({ path: join(artifacts, 'composed.png') });

  await page.click('button[name=send]');
  const job = await page.textContent('.job-id', { timeout: 10000 });
  assert.match(job, /^\d+$/);
  await page.screenshot({ path: join(artifacts, 'progress.png'), fullPage: true });
  await page.waitForFunction(() => document.querySelector('.job-status')?.textContent === 'Finished', null, { timeout: 20000 });
  assert.match(await page.textContent('.backup-id'), /^\d+$/);
  assert.equal(await page.$eval('#job-progress', (p) => p.value), 100);
  await page.screenshot({ path: join(artifacts, 'finished.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test('sending twice shows BackupJobExists and keeps the form as it was', async () => {
  const page = await open();
  await pick(page, 'pgm-demo-pg-cloud');
  await page.selectOption('select[name=BackupMethod]', 'Snapshot');
  await page.click('button[name=send]');
  await page.waitForSelector('.job-id');
  await page.click('button[name=send]');
  await page.waitForSelector('.job.error');
  assert.match(await page.textContent('.job.error'), /BackupJobExists/);
  assert.match(await page.textContent('.job.error'), /What to do/);
  assert.equal(await page.inputValue('input[name=DBInstanceId]'), 'pgm-demo-pg-cloud');
  assert.equal(await page.$eval('select[name=BackupMethod]', (s) => s.value), 'Snapshot');
  await page.screenshot({ path: join(artifacts, 'error.png'), fullPage: true });
});

test('the form lives in the URL: shared links and back/forward', async () => {
  const page = await open();
  await pick(page, 'rm-demo-mssql-cloud');
  await page.selectOption('select[name=BackupMethod]', 'Physical');
  await page.selectOption('select[name=BackupType]', 'FullBackup');
  await page.selectOption('select[name=BackupStrategy]', 'instance');
  await page.waitForFunction(() => location.search.includes('BackupStrategy=instance'));
  const link = page.url();

  const other = await open(link);
  assert.equal(await other.inputValue('input[name=DBInstanceId]'), 'rm-demo-mssql-cloud');
  assert.equal(await other.$eval('select[name=BackupType]', (s) => s.value), 'FullBackup');
  assert.equal(await other.$eval('select[name=BackupStrategy]', (s) => s.value), 'instance');
  await other.waitForSelector('dd[data-param=BackupStrategy]');

  await page.selectOption('select[name=BackupStrategy]', 'db');
  await page.waitForFunction(() => location.search.includes('BackupStrategy=db'));
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('select[name=BackupStrategy]').value === 'instance');
  await page.goForward();
  await page.waitForFunction(() => document.querySelector('select[name=BackupStrategy]').value === 'db');
  // DBName is now required: the form asks for it (not marked red: the user has not
  // touched it yet), nothing was dropped.
  assert.equal(await page.$eval('input[name=DBName]', (i) => i.getAttribute('aria-invalid')), 'false');
  assert.match(await page.textContent('.preview ul.todo'), /DBName/);
  await page.fill('input[name=DBName]', 'bad name!');
  await page.waitForFunction(() => document.querySelector('input[name=DBName]').getAttribute('aria-invalid') === 'true');
});

test('English and Bahasa Indonesia, switchable and remembered', async () => {
  const page = await open();
  assert.equal(await page.textContent('h1'), 'RDS backup console');
  await page.selectOption('select[name=lang]', 'id');
  await page.waitForFunction(() => document.documentElement.lang === 'id');
  assert.equal(await page.textContent('h1'), 'Konsol pencadangan RDS');
  assert.equal(await page.textContent('label[for=f-RegionId]'), 'Wilayah');
  await page.reload();
  await page.waitForSelector('h1');
  assert.equal(await page.textContent('h1'), 'Konsol pencadangan RDS');
  await page.screenshot({ path: join(artifacts, 'indonesian.png'), fullPage: true });
  await page.selectOption('select[name=lang]', 'en');
});

test('usable at 360 px and by keyboard', async () => {
  const page = await open(base, { width: 360, height: 780 });
  await pick(page, 'rm-demo-mariadb-cloud');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 360px`);
  await page.screenshot({ path: join(artifacts, 'narrow-360.png'), fullPage: true });
  // Every control has a visible label and is reachable with Tab.
  const unlabeled = await page.$$eval('select, input:not([type=file]):not([type=checkbox])', (els) =>
    els.filter((e) => !document.querySelector(`label[for="${e.id}"]`)).map((e) => e.name));
  assert.deepEqual(unlabeled, []);
  await page.focus('input[name=DBInstanceId]');
  let reached = false;
  for (let i = 0; i < 20 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.name === 'send');
  }
  assert.ok(reached, 'Tab reaches the send button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.job-id');
});

test('export and import JSON; dark mode follows the system', async () => {
  const page = await open();
  await pick(page, 'rm-demo-mssql-local');
  await page.selectOption('select[name=BackupMethod]', 'Physical');
  await page.selectOption('select[name=BackupType]', 'Auto');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[name=export]')]);
  const path = join(artifacts, 'exported-request.json');
  await download.saveAs(path);
  const exported = JSON.parse((await import('node:fs')).readFileSync(path, 'utf8'));
  assert.deepEqual(exported, { RegionId: 'cn-hangzhou', DBInstanceId: 'rm-demo-mssql-local', Engine: 'SQLServer', StorageType: 'local_ssd', BackupMethod: 'Physical', BackupType: 'Auto' });

  // The same file, as `rds-backup check` reads it: valid.
  const check = JSON.parse(execFileSync(bin('rds-backup'), ['check'], { input: JSON.stringify(exported), encoding: 'utf8' }));
  assert.equal(check.ok, true);

  const fresh = await open(base, { width: 1280, height: 900 });
  await fresh.setInputFiles('input[name=import]', path);
  await fresh.waitForFunction(() => document.querySelector('select[name=BackupType]')?.value === 'Auto');
  assert.equal(await fresh.inputValue('input[name=DBInstanceId]'), 'rm-demo-mssql-local');
  await fresh.setInputFiles('input[name=import]', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"Engine":"Oracle"}') });
  await fresh.waitForSelector('text=not a request this console can read');
  assert.equal(await fresh.inputValue('input[name=DBInstanceId]'), 'rm-demo-mssql-local', 'a bad file changes nothing');

  const dark = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 900 } });
  const darkPage = await dark.newPage();
  await darkPage.goto(base);
  await darkPage.waitForSelector('.banner.demo');
  const bg = await darkPage.$eval('.console', (e) => getComputedStyle(e).backgroundColor);
  assert.equal(bg, 'rgb(13, 17, 23)');
  await darkPage.screenshot({ path: join(artifacts, 'dark.png'), fullPage: true });
});

test('every demo instance, once picked, leaves the form valid or asking, with no error shown', async () => {
  const page = await open();
  const seen = [];
  for (const region of ['cn-hangzhou', 'ap-southeast-1']) {
    const list = await (await fetch(`${base}api/instances?RegionId=${region}&MaxResults=100`)).json();
    await page.selectOption('select[name=RegionId]', region);
    for (const { DBInstanceId: id } of list.Instances) {
      await page.click('button[name=reset]');
      await page.waitForFunction(() => document.querySelector('input[name=DBInstanceId]').value === '');
      await pick(page, id);
      await page.waitForSelector('select[name=BackupMethod]');
      const shown = await page.$$eval('form.compose .problems, form.compose [aria-invalid=true]', (els) => els.map((e) => e.outerHTML));
      assert.deepEqual(shown, [], `${id}: an error before anything was changed`);
      const valid = (await page.$$('.preview dd[data-param]')).length > 0;
      const asks = (await page.$$('.preview ul.todo li')).length > 0;
      assert.ok(valid || asks, `${id}: neither valid nor asking`);
      // A value taken by itself says why.
      const auto = await page.$$eval('.auto', (ps) => ps.map((p) => p.textContent));
      for (const a of auto) assert.match(a, /the only valid choice for/, id);
      seen.push([id, valid ? 'valid' : 'asks', auto.join('; ')]);
    }
  }
  assert.ok(seen.length >= 11, JSON.stringify(seen));
  // MySQL on cloud disk: Snapshot, the only method, taken and explained.
  assert.ok(seen.some(([id, v, a]) => id === 'rm-demo-mysql-cloud' && v === 'valid' && /Snapshot/.test(a)), JSON.stringify(seen));
  // Errors appear once the user changes a field, next to it.
  await page.selectOption('select[name=RegionId]', 'cn-hangzhou');
  await page.click('button[name=reset]');
  await pick(page, 'rm-demo-mysql-local');
  await page.selectOption('select[name=BackupMethod]', 'Logical');
  await page.selectOption('select[name=BackupStrategy]', 'db');
  await page.fill('input[name=DBName]', 'no such,');
  await page.waitForSelector('#p-DBName.problems');
  assert.deepEqual(page.errors, []);
});

test('a pick keeps the instance field as it is: not drawn again, no second search', async () => {
  const page = await open();
  const searches = [];
  page.on('request', (r) => { if (r.url().includes('/api/instances?') && r.url().includes('Search=')) searches.push(r.url()); });
  await page.evaluate(() => { window.__field = document.querySelector('input[name=DBInstanceId]'); });
  await page.focus('input[name=DBInstanceId]');
  await pick(page, 'rm-demo-mysql-cloud');
  await page.waitForSelector('select[name=BackupMethod]');
  await page.waitForTimeout(400); // a second search would have gone out by now
  assert.ok(await page.evaluate(() => window.__field === document.querySelector('input[name=DBInstanceId]')), 'the field was drawn again');
  assert.ok(await page.evaluate(() => document.activeElement === window.__field), 'the field lost the focus');
  assert.equal(searches.length, 1, searches.join(' '));
  assert.deepEqual(page.errors, []);
  await page.close();
});
