// One keystroke's recompute in wasm in headless Chromium: what the console does again
// when a field changes (choices, validate, the preview of the request, the selected
// snippet), through the rds-backup-rules package (core compiled to wasm, -Oz; built by
// scripts/build-packages.sh). Used by scripts/bench-web.sh:
//   node tests/browser/bench-recompute.mjs
// Times batches of 200 recomputes (the browser's clock is coarse) and prints the median
// and p95 per recompute, in microseconds.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = join(root, 'target', 'pkg', 'rds-backup-rules');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
// Served from memory under a made-up origin: nothing leaves the machine.
await page.route('http://bench.invalid/**', (route) => {
  const name = new URL(route.request().url()).pathname.slice(1) || 'index.html';
  if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' });
  const type = name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
  return route.fulfill({ contentType: type, body: readFileSync(join(pkg, name)) });
});
await page.goto('http://bench.invalid/');
const result = await page.evaluate(async () => {
  const rules = await import('/rds_backup_rules.js');
  await rules.default('/rds_backup_rules_bg.wasm');
  const context = { Engine: 'MySQL', StorageType: 'local_ssd', RegionId: 'cn-hangzhou' };
  const once = (i) => {
    const request = {
      DBInstanceId: 'rm-uf6wjk5xxxxxxx', BackupMethod: 'Logical', BackupStrategy: 'db',
      DBName: i % 2 ? 'orders,users' : 'orders', BackupRetentionPeriod: 7 + (i % 700),
    };
    rules.choices(context, request);
    rules.validate(context, request);
    rules.preview(context, request);
    rules.snippet(context, request, 'python');
  };
  for (let i = 0; i < 500; i++) once(i); // warm up
  const perCall = [];
  for (let b = 0; b < 41; b++) {
    const t = performance.now();
    for (let i = 0; i < 200; i++) once(b * 200 + i);
    perCall.push(((performance.now() - t) * 1000) / 200);
  }
  perCall.sort((a, b) => a - b);
  return { median_us: +perCall[20].toFixed(1), p95_us: +perCall[38].toFixed(1), batches: 41, per_batch: 200 };
});
await browser.close();
console.log(JSON.stringify({ recompute: 'choices + validate + preview + python snippet', ...result }));
