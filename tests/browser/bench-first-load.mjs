// What a console load transfers before its form is usable, measured in headless Chromium
// (a fresh context, cold cache), for a browser in English and one in Simplified Chinese.
// Used by scripts/bench-web.sh:
//   node tests/browser/bench-first-load.mjs CONSOLE_URL DIST
// A file counts in the first load when the page asked for it before the form took input
// (the instance field enabled, then the page's next task; the page notes the moment
// itself: usable.mjs). The figure is the gzip -9 size of each such file of DIST (the
// budget's measure); the brotli bytes Chromium received are given beside. The files
// asked for after (the panels module, the other catalogues) are listed apart.
// Prints a line per locale, and one JSON line with every file.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { watch } from './usable.mjs';

const [url, dist] = process.argv.slice(2);
const gzip = (path) => execFileSync('gzip', ['-9', '-c', join(dist, path)], { maxBuffer: 16 << 20 }).length;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const out = {};
for (const locale of ['en-US', 'zh-CN']) {
  const context = await browser.newContext({ locale });
  await context.addInitScript(watch, 'input[name=DBInstanceId]:not([disabled])');
  const page = await context.newPage();
  const requests = [];
  page.on('requestfinished', (r) => requests.push(r));
  await page.goto(url);
  const usable = await page.waitForFunction(() => window.__usable && performance.timeOrigin + window.__usable)
    .then((h) => h.jsonValue());
  await page.waitForSelector('.console[data-panels=ready]');
  await page.waitForTimeout(500); // the advice and the panels' catalogues
  const files = { first: [], after: [] };
  const seen = new Set();
  for (const r of requests) {
    const path = new URL(r.url()).pathname.replace(/^\//, '') || 'index.html';
    // The panels module asks again for a catalogue the form already has: the browser's
    // cache answers (the names are hashed, the proxy says immutable), so it counts once.
    if (path.startsWith('api/') || seen.has(path)) continue;
    seen.add(path);
    const { responseBodySize } = await r.sizes();
    const entry = { path, gzip: gzip(path), received: responseBodySize };
    (r.timing().startTime < usable ? files.first : files.after).push(entry);
  }
  const sum = (xs, k) => xs.reduce((n, x) => n + x[k], 0);
  out[locale] = {
    first_load_gzip: sum(files.first, 'gzip'),
    first_load_received: sum(files.first, 'received'),
    after_gzip: sum(files.after, 'gzip'),
    files,
  };
  await context.close();
}
await browser.close();
const name = (p) => p.replace(/-[0-9a-f]{16}/, '-…');
for (const [locale, o] of Object.entries(out)) {
  const list = (xs) => xs.map((f) => `${name(f.path)} ${f.gzip}`).join(', ');
  console.log(`first load, ${locale}: ${o.first_load_gzip} bytes gzip -9 (${list(o.files.first)}); `
    + `Chromium received ${o.first_load_received} bytes (brotli); after the first paint: ${o.after_gzip} bytes gzip -9 (${list(o.files.after)})`);
}
console.log(JSON.stringify(out));
