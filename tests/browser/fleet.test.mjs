// Fleet plans in headless Chromium against the real proxy (demo mode, a generated fleet of
// 60 instances, jobs of one second). A plan is previewed in the console (a request or a
// reason per instance), run there and followed to its end, exported as CSV; a plan run by
// `rds-backup run` opens by its id and the console shows for every instance the state the
// CLI's JSON lines ended on; with jobs of two minutes (a second proxy), a plan made while
// another runs names, for each busy instance, the submission that sent its job.
// Screenshot in tests/artifacts/fleet.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { scratch } from './scratch.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name) => join(root, 'target', process.env.RDS_PROFILE_DIR || 'debug', name);
let browser;
let url;

/** A proxy in demo mode over a generated fleet of 60 instances, with `args` of its own;
 * resolves to its URL. Every proxy is killed when the file ends. */
const proxies = [];
const startProxy = (args) => {
  const dir = scratch('fleet');
  const fleet = join(dir, 'fleet.json');
  writeFileSync(fleet, execFileSync(bin('rds-emulator'), ['--write-fleet', '60']));
  const p = spawn(bin('rds-backup-proxy'), [
    '--demo', '--listen', '127.0.0.1:0', '--dist', join(root, 'dist'), '--demo-fleet', fleet, ...args,
  ], { env: { ...process.env, HOME: dir }, stdio: ['ignore', 'pipe', 'ignore'] });
  proxies.push(p);
  return new Promise((resolve, reject) => {
    p.on('exit', (code) => reject(new Error(`proxy exited (${code})`)));
    let out = '';
    p.stdout.on('data', (d) => {
      out += String(d);
      const m = /console: (\S+)/.exec(out);
      if (m) resolve(m[1].replace(/\/$/, ''));
    });
  });
};

before(async () => {
  url = await startProxy(['--demo-job-seconds', '1', '--job-poll', '0.2', '--plan-rate', '20', '--plan-concurrency', '12']);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  proxies.forEach((p) => p.kill('SIGTERM'));
});

const states = (page) => page.$$eval('.plan-item', (rows) => Object.fromEntries(rows.map((r) => [r.dataset.instance, r.dataset.state])));

/** A page on the console at `base` with a whole-instance plan of cn-hangzhou made; its
 * page errors are collected in `page.errors`. */
async function planned(base, options = {}) {
  const page = await browser.newPage(options);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${base}/`);
  await page.waitForSelector('form.fleet-filter');
  await page.fill('input[name=fleet-regions]', 'cn-hangzhou');
  await page.selectOption('select[name=fleet-intent]', 'whole-instance');
  await page.click('button[name=make-plan]');
  await page.waitForSelector('.plan[data-state=planned] .plan-item');
  return page;
}

test('a plan is previewed, run and followed in the console, and exported as CSV', async () => {
  const page = await planned(url, { acceptDownloads: true });
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
  assert.deepEqual(page.errors, []);
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
  await page.waitForSelector('.console[data-panels-lang=zh-CN]'); // the panels have their catalogues
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

test('a plan over instances a running plan is backing up says which submission sent each job, in each language', async () => {
  // Jobs of two minutes: the first plan's are still running when the second is made.
  const slow = await startProxy(['--demo-job-seconds', '120', '--job-poll', '0.2', '--plan-rate', '20', '--plan-concurrency', '12']);
  const page = await planned(slow);
  const first = await page.getAttribute('.plan', 'data-plan');
  await page.click('button[name=run-plan]');
  // The first jobs have been sent and are running (the run sends more as they end).
  await page.waitForFunction(() => document.querySelectorAll('.plan-item[data-state=running]').length >= 3, null, { timeout: 30000 });
  const running = Object.entries(await states(page)).filter(([, s]) => s === 'running').map(([id]) => id);
  assert.ok(running.length >= 3, `${running.length} running`);

  await page.click('button[name=make-plan]');
  await page.waitForFunction((first) => {
    const plan = document.querySelector('.plan[data-state=planned]');
    return plan && plan.dataset.plan !== first && plan.querySelector('.plan-item');
  }, first, { timeout: 30000 });
  const said = async () => page.$$eval('.plan-item', (rows) => Object.fromEntries(rows.map((r) => [
    r.dataset.instance,
    { text: r.querySelector('.item-detail').textContent, codes: [...r.querySelectorAll('.item-detail code')].map((c) => c.textContent) },
  ])));
  const en = await said();
  for (const id of running) {
    assert.match(en[id].text, /BackupJobExists/, id);
    assert.match(en[id].text, /sent by this proxy as/, id);
    assert.ok(en[id].codes.some((c) => c.startsWith(`${first}.`)), `${id}: ${JSON.stringify(en[id].codes)}`);
  }
  await page.selectOption('select[name=lang]', 'zh-CN');
  await page.waitForSelector('html[lang=zh-CN]');
  await page.waitForSelector('.console[data-panels-lang=zh-CN]'); // the panels have their catalogues
  const zh = await said();
  for (const id of running) {
    assert.match(zh[id].text, /（由本代理发送，提交编号 \S+）/, id);
    assert.doesNotMatch(zh[id].text, /sent by this proxy/, id);
    assert.deepEqual(zh[id].codes, en[id].codes, id);
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});
