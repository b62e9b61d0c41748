// Every state of the console in each language, in headless Chromium against the proxy
// in demo mode: empty, an instance picked, errors shown, sending, a job running,
// finished, refused, dark mode and 360 px wide. In each, axe-core (npm) finds no
// violation, and in Simplified Chinese and Bahasa Indonesia no text of the English
// catalogues (web/locales/) is left on the page outside code, nor an English sentence
// from core in the Chinese page. Screenshots of the Chinese states in tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { scratch } from './scratch.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name) => join(root, 'target', process.env.RDS_PROFILE_DIR || 'debug', name);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let proxy;
let base;
let browser;

/** The English catalogue for `lang` (`id` or `zh-CN`): each text of the English catalogues (web/locales/en.json, advice/, panels/)
 * (the form's, the advice, the panels') whose translation into it differs, split at its
 * arguments (`{name}`). */
function englishCatalogue(lang) {
  const out = new Set();
  for (const part of ['', 'advice/', 'panels/']) {
    const read = (tag) => JSON.parse(readFileSync(join(root, 'web', 'locales', `${part}${tag}.json`), 'utf8'));
    const [en, other] = [read('en'), read(lang)];
    for (const [key, text] of Object.entries(en)) {
      if (other[key] === text) continue;
      for (const piece of text.split(/\{[a-z]+\}/)) {
        const p = piece.trim().replace(/[:.]$/, '');
        if (p.length >= 8) out.add(p);
      }
    }
  }
  return [...out];
}
const catalogues = { id: englishCatalogue('id'), 'zh-CN': englishCatalogue('zh-CN') };
assert.ok(catalogues.id.length > 100 && catalogues['zh-CN'].length > 100, 'the English catalogue was read');

before(async () => {
  const home = scratch('a11y');
  proxy = spawn(bin('rds-backup-proxy'), ['--demo', '--listen', '127.0.0.1:0', '--dist', join(root, 'dist'), '--demo-job-seconds', '2'], {
    env: { ...process.env, HOME: home },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  base = await new Promise((resolve, reject) => {
    proxy.on('exit', (code) => reject(new Error(`the proxy exited (${code})`)));
    let out = '';
    proxy.stdout.on('data', (d) => {
      out += String(d);
      const m = /console: (\S+)/.exec(out);
      if (m) resolve(m[1]);
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

/** axe's violations on the page, as `rule: targets`. */
async function violations(page) {
  // Evaluated through the DevTools protocol: the page's CSP (rightly) allows no inline script.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const r = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
  return r.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The page's text outside code, preformatted blocks, the service's own messages
 * (`samp`, quoted as it sent them) and the API's values. */
const prose = (page) => page.evaluate(() => {
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('pre, code, samp, option, script, style').forEach((e) => e.remove());
  return clone.textContent;
});

async function check(page, lang, state, shots) {
  const v = await violations(page);
  assert.deepEqual(v, [], `${lang} ${state}: axe`);
  if (lang !== 'en') {
    const text = await prose(page);
    // Whole words only: "Instance" is not left in "DBInstanceId".
    const esc = (c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const left = catalogues[lang].filter((c) => new RegExp(`(?<![A-Za-z])${esc(c)}(?![A-Za-z])`).test(text));
    assert.deepEqual(left, [], `${lang} ${state}: English left on the page`);
    if (lang === 'zh-CN') {
      // core's reasons too: no run of five English words outside code.
      const english = text.match(/\b[A-Za-z]+(?:[ ,;]+[a-z]+){4,}\b/g) || [];
      assert.deepEqual(english, [], `${lang} ${state}: English sentence`);
    }
  }
  if (shots) await page.screenshot({ path: join(root, 'tests', 'artifacts', `${lang}-${state}.png`), fullPage: true });
}

async function open(lang, viewport = { width: 1280, height: 900 }, colorScheme = 'light') {
  const context = await browser.newContext({ viewport, colorScheme, locale: lang });
  await context.addInitScript((l) => localStorage.setItem('rds-backup-console.lang', l), lang);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.errors = errors;
  await page.goto(base);
  await page.waitForSelector('.banner.demo');
  await page.waitForSelector('input[name=DBInstanceId][data-loaded]');
  await page.waitForSelector('.console[data-panels=ready]'); // the panels module, loaded after the form
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang);
  return page;
}

async function pick(page, id) {
  await page.fill('input[name=DBInstanceId]', id);
  await page.waitForSelector('.instance-info');
  await page.keyboard.press('Escape');
}

for (const lang of ['en', 'zh-CN', 'id']) {
  test(`every state in ${lang}: no axe violation, no text left in another language`, async () => {
    const shots = lang === 'zh-CN';
    const page = await open(lang);
    await check(page, lang, 'empty', shots);
    await pick(page, 'rm-demo-mysql-local');
    await check(page, lang, 'picked', shots);
    // Errors: the user chose a strategy that needs databases and typed a bad name.
    await page.selectOption('select[name=BackupMethod]', 'Logical');
    await page.selectOption('select[name=BackupStrategy]', 'db');
    await page.fill('input[name=DBName]', 'Orders,');
    await page.waitForSelector('#p-DBName.problems');
    await check(page, lang, 'errors', shots);
    await page.fill('input[name=DBName]', 'orders');
    await page.waitForSelector('dd[data-param=DBName]');
    // Sending: the answer is held back a moment to see it.
    await page.route('**/api/backups', async (route) => { await new Promise((r) => setTimeout(r, 1500)); await route.continue(); });
    await page.click('button[name=send]');
    await page.waitForSelector('button[name=send][disabled]');
    await check(page, lang, 'sending', shots);
    await page.waitForSelector('.job-id', { timeout: 10000 });
    await page.unroute('**/api/backups');
    await check(page, lang, 'running', shots);
    await page.waitForFunction(() => document.querySelector('.job-status')?.textContent === 'Finished', null, { timeout: 20000 });
    await check(page, lang, 'finished', shots);
    // Refused: the same instance twice while its job runs.
    await page.click('button[name=send]');
    await page.waitForSelector('.job-id');
    await page.click('button[name=send]');
    await page.waitForSelector('.job.error');
    await check(page, lang, 'refused', shots);
    assert.deepEqual(page.errors, []);
    await page.context().close();

    const dark = await open(lang, { width: 1280, height: 900 }, 'dark');
    await pick(dark, 'rm-demo-mysql-cloud');
    await check(dark, lang, 'dark', shots);
    await dark.context().close();

    const narrow = await open(lang, { width: 360, height: 780 });
    await pick(narrow, 'pgm-demo-pg-cloud');
    const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${lang}: scrolls sideways by ${overflow}px at 360 px`);
    await check(narrow, lang, 'narrow', shots);
    await narrow.context().close();
  });
}
