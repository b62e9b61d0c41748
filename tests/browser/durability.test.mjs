// The console when an outcome is lost or a job fails, in headless Chromium against the
// real proxy. An upstream that passes the CreateBackup on and then never answers: the
// console says it is checking whether the backup started, then shows the job the proxy
// found, and never offers to send again meanwhile; exactly one CreateBackup reached the
// service. A job that fails: the console shows the service's reason and what to do, and
// "Recent backups" lists it, with "open in the form".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { scratch } from './scratch.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name) => join(root, 'target', process.env.RDS_PROFILE_DIR || 'debug', name);
const children = [];
let browser;
let fake;
const seen = { CreateBackup: 0 };

function started(child, pattern) {
  children.push(child);
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`exited (${code})`)));
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      const m = pattern.exec(out);
      if (m) resolve(m[1]);
    });
  });
}

/** An upstream in front of the emulator that passes CreateBackup on and never answers it. */
function stallingUpstream(emulator) {
  return createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const action = req.headers['x-acs-action'];
      seen[action] = (seen[action] || 0) + 1;
      const target = new URL(emulator);
      const fwd = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
        const body = [];
        up.on('data', (c) => body.push(c));
        up.on('end', () => {
          if (action === 'CreateBackup') return; // the answer is lost
          res.writeHead(up.statusCode, { 'content-type': up.headers['content-type'] || 'application/json' }).end(Buffer.concat(body));
        });
      });
      fwd.end(Buffer.concat(chunks));
    });
  });
}

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  for (const c of children) c.kill('SIGKILL');
  fake?.close();
});

async function openConsole(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('input[name=DBInstanceId][data-loaded]'));
  await page.waitForSelector('.console[data-panels=ready]'); // the panels module, loaded after the form
  page.errors = errors;
  return page;
}

test('a lost answer: the console checks, then shows the job; one CreateBackup only', async () => {
  const home = scratch('lost');
  const emulator = await started(
    spawn(bin('rds-emulator'), ['--listen', '127.0.0.1:0', '--access-key', 'lostid:lostsecret', '--job-seconds', '3'], { stdio: ['ignore', 'pipe', 'ignore'] }),
    /listening on (\S+)/,
  );
  fake = stallingUpstream(emulator);
  await new Promise((r) => fake.listen(0, '127.0.0.1', r));
  const proxyUrl = await started(
    spawn(bin('rds-backup-proxy'), [
      '--listen', '127.0.0.1:0', '--dist', join(root, 'dist'), '--upstream', `http://127.0.0.1:${fake.address().port}`,
      '--upstream-timeout', '1', '--database', 'memory', '--reconcile-window', '20',
    ], {
      env: { ...process.env, HOME: home, ALIBABA_CLOUD_ACCESS_KEY_ID: 'lostid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'lostsecret' },
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
    /console: (\S+)/,
  );
  const page = await openConsole(proxyUrl);
  await page.fill('input[name=DBInstanceId]', 'rm-demo-mysql-cloud');
  await page.waitForSelector('.instance-info');
  await page.selectOption('select[name=BackupMethod]', 'Snapshot');
  await page.click('button[name=send]');
  await page.waitForSelector('.job.checking', { timeout: 10000 });
  assert.match(await page.textContent('.job.checking'), /Checking whether the backup started/);
  assert.equal(await page.isDisabled('button[name=send]'), true, 'no second send while the outcome is unknown');
  await page.screenshot({ path: join(root, 'tests', 'artifacts', 'checking.png') });
  await page.waitForSelector('.job .job-id', { timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('.job-status')?.textContent === 'Finished', null, { timeout: 20000 });
  assert.match(await page.textContent('.backup-id'), /^\d+$/);
  assert.equal(seen.CreateBackup, 1, 'exactly one CreateBackup reached the service');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a failed job: the reason and what to do; recent backups list it and open it in the form', async () => {
  const dir = scratch('failed');
  const fleet = join(dir, 'fleet.json');
  writeFileSync(fleet, JSON.stringify({
    Instances: [{
      DBInstanceId: 'rm-flaky-mysql', RegionId: 'cn-hangzhou', Engine: 'MySQL', EngineVersion: '8.0',
      DBInstanceStorageType: 'local_ssd', DBInstanceDescription: 'its next backup fails',
      Databases: [{ DBName: 'orders' }], FailNextBackup: 'the backup storage quota of the region is exhausted',
    }],
  }));
  const proxyUrl = await started(
    spawn(bin('rds-backup-proxy'), ['--demo', '--listen', '127.0.0.1:0', '--dist', join(root, 'dist'), '--demo-fleet', fleet, '--demo-job-seconds', '2'], {
      env: { ...process.env, HOME: dir },
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
    /console: (\S+)/,
  );
  const page = await openConsole(proxyUrl);
  await page.fill('input[name=DBInstanceId]', 'rm-flaky-mysql');
  await page.waitForSelector('.instance-info');
  await page.selectOption('select[name=BackupMethod]', 'Physical');
  await page.click('button[name=send]');
  await page.waitForSelector('.job-failed', { timeout: 20000 });
  const failed = await page.textContent('.job-failed');
  assert.match(failed, /storage quota of the region is exhausted/);
  assert.match(failed, /What to do/);
  await page.waitForSelector('.recent-item[data-state=sent] .problems', { timeout: 10000 });
  assert.match(await page.textContent('.recent-item'), /Failed/);
  await page.screenshot({ path: join(root, 'tests', 'artifacts', 'failed-job.png') });
  // Open it in the form: the request comes back.
  await page.click('button[name=reset]');
  await page.waitForFunction(() => document.querySelector('input[name=DBInstanceId]').value === '');
  await page.click('.recent-item button[name=open-in-form]');
  await page.waitForFunction(() => document.querySelector('input[name=DBInstanceId]').value === 'rm-flaky-mysql');
  assert.equal(await page.$eval('select[name=BackupMethod]', (s) => s.value), 'Physical');
  assert.deepEqual(page.errors, []);
  await page.close();
});
