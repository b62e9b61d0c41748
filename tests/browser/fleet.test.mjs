// Fleet plans in headless Chromium against the real proxy (demo mode, a generated fleet of
// 60 instances, jobs of one second). A plan is previewed in the console (a request or a
// reason per instance), run there and followed to its end, exported as CSV; a plan run by
// `rds-backup run` opens by its id and the console shows for every instance the state the
// CLI's JSON lines ended on. Screenshot in tests/artifacts/fleet.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name) => join(root, 'target', process.env.RDS_PROFILE_DIR || 'debug', name);
let browser;
let proxy;
let url;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rds-fleet-'));
  const fleet = join(dir, 'fleet.json');
  writeFileSync(fleet, execFileSync(bin('rds-emulator'), ['--write-fleet', '60']));
  proxy = spawn(bin('rds-backup-proxy'), [
    '--demo', '--listen', '127.0.0.1:0', '--dist', join(root, 'dist'), '--demo-fleet', fleet,
    '--demo-job-seconds', '1', '--job-poll', '0.2', '--plan-rate', '20', '--plan-concurrency', '12',
  ], { env: { ...process.env, HOME: dir }, stdio: ['ignore', 'pipe', 'ignore'] });
  url = await new Promise((resolve, reject) => {
    proxy.on('exit', (code) => reject(new Error(`proxy exited (${code})`)));
    let out = '';
    proxy.stdout.on('data', (d) => {
      out += String(d);
      const m = /console: (\S+)/.exec(out);
      if (m) resolve(m[1].replace(/\/$/, ''));
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

const states = (page) => page.$$eval('.plan-item', (rows) => Object.fromEntries(rows.map((r) => [r.dataset.instance, r.dataset.state])));

test('a plan is previewed, run and followed in the console, and exported as CSV', async () => {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}/`);
  await page.waitForSelector('form.fleet-filter');
  await page.fill('input[name=fleet-regions]', 'cn-hangzhou');
  await page.selectOption('select[name=fleet-intent]', 'whole-instance');
  await page.click('button[name=make-plan]');
  await page.waitForSelector('.plan[data-state=planned] .plan-item');
  const before = await states(page);
  const ids = Object.keys(before);
  assert.ok(ids.length >= 10, JSON.stringify(before));
  // The stopped one (number 7 of every 50) cannot run, and the console says why.
  assert.equal(before['rm-fleet-00007'], 'skipped');
  assert.match(await page.textContent('.plan-item[data-instance=rm-fleet-00007] .item-detail'), /IncorrectDBInstanceState/);
  assert.match(await page.textContent('.plan-item[data-instance=rm-fleet-00000] .item-detail'), /BackupMethod=Snapshot/);
  await page.click('button[name=run-plan]');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('.plan-item')];
    return rows.length > 0 && rows.every((r) => ['finished', 'skipped', 'failed', 'refused'].includes(r.dataset.state));
  }, null, { timeout: 60000 });
  const after = await states(page);
  for (const id of ids) {
    assert.equal(after[id], before[id] === 'planned' ? 'finished' : 'skipped', id);
  }
  const download = page.waitForEvent('download');
  await page.click('button[name=export-csv]');
  const file = await (await download).path();
  const csv = readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(csv[0], 'DBInstanceId,RegionId,Engine,StorageType,State,BackupJobId,BackupId,Detail');
  assert.equal(csv.length, ids.length + 1);
  assert.ok(csv.some((l) => l.startsWith('rm-fleet-00000,cn-hangzhou,MySQL,cloud_essd,finished,')), csv.join('\n'));
  assert.deepEqual(errors, []);
  await page.close();
});

test('a plan run by rds-backup run shows the same results in the console', async () => {
  const out = execFileSync(bin('rds-backup'), [
    'run', '--proxy', url, '--region', 'cn-shanghai', '--intent', 'whole-instance', '--concurrency', '12', '--rate', '20',
  ], { encoding: 'utf8' });
  const lines = out.trim().split('\n').map((l) => JSON.parse(l));
  const summary = lines.at(-1).summary;
  const last = {};
  for (const l of lines.slice(0, -1)) last[l.DBInstanceId] = l.state;
  const page = await browser.newPage();
  await page.goto(`${url}/`);
  await page.waitForSelector('form.fleet-open');
  await page.fill('input[name=plan-id]', summary.plan);
  await page.click('button[name=open-plan]');
  await page.waitForSelector(`.plan[data-plan="${summary.plan}"] .plan-item`);
  const shown = await states(page);
  assert.deepEqual(shown, last, 'the console and the CLI agree on every instance');
  assert.equal(Object.values(shown).filter((s) => s === 'finished').length, summary.finished);
  assert.equal(Object.values(shown).filter((s) => s === 'skipped').length, summary.skipped);
  await page.locator('section.fleet').screenshot({ path: join(root, 'tests', 'artifacts', 'fleet.png') });
  await page.close();
});

test('in Chinese, an intent an instance cannot take is refused in Chinese, from core', async () => {
  const page = await browser.newPage();
  await page.goto(`${url}/`);
  await page.waitForSelector('form.fleet-filter');
  await page.selectOption('select[name=lang]', 'zh-CN');
  await page.waitForSelector('html[lang=zh-CN]');
  await page.fill('input[name=fleet-regions]', 'cn-hangzhou');
  await page.selectOption('select[name=fleet-intent]', 'logical-all-databases');
  await page.click('button[name=make-plan]');
  await page.waitForSelector('.plan[data-state=planned] .plan-item');
  const refused = await page.$$eval('.plan-item .item-detail', (cells) => cells.map((c) => c.textContent).filter((t) => t.includes('InvalidBackupMethod')));
  assert.ok(refused.length > 0, 'some instance cannot take a logical backup');
  for (const text of refused) {
    assert.match(text, /logical-all-databases 不适用于/, text);
    assert.doesNotMatch(text, /is not possible/, text);
  }
  await page.close();
});
