// Time from navigation to a usable form, in headless Chromium, a fresh browser context
// (cold cache) for every load. Used by scripts/bench-web.sh:
//   node tests/browser/bench.mjs CONSOLE_URL [runs]
// Ours: the form rendered and its controls enabled. Each page notes the moment itself
// (performance.now() when the selector first matches). With --swagger, Swagger UI 5
// (swagger-ui-dist) is served on 127.0.0.1 with a CreateBackup OpenAPI document
// (tests/browser/swagger/) and timed the same way, loads interleaved with ours:
// usable when the operation's request body editor takes input ("Try it out" on).
// Prints one JSON line: medians, p90s and the ratio of the medians (of the moment the
// form takes input; shown_median_ms: the moment the control appeared).
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { watch } from './usable.mjs';

const args = process.argv.slice(2);
const swagger = args.includes('--swagger');
const [url, runsArg] = args.filter((a) => a !== '--swagger');
const runs = Number(runsArg || 15);

async function serveSwagger() {
  const dist = join(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'), '..');
  const own = join(fileURLToPath(new URL('.', import.meta.url)), 'swagger');
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
  const server = createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1) || 'index.html';
    for (const dir of [own, dist]) {
      try {
        const body = readFileSync(join(dir, name.replace(/\.\./g, '')));
        res.writeHead(200, { 'content-type': types[extname(name)] || 'application/octet-stream' });
        return res.end(body);
      } catch { /* the next folder */ }
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// The page itself notes the moment (usable.mjs), so the figure holds no round trip to
// the test.
async function load(target, ready) {
  const context = await browser.newContext(); // cold cache every run
  await context.addInitScript(watch, ready);
  const page = await context.newPage();
  await page.goto(target);
  await page.waitForSelector(ready);
  const t = await page.waitForFunction(() => window.__usable && [window.__shown, window.__usable]).then((h) => h.jsonValue());
  await context.close();
  return t;
}
const ours = [];
const theirs = [];
const shown = { ours: [], theirs: [] };
const sw = swagger ? await serveSwagger() : null;
for (let i = 0; i < runs; i++) {
  const [s1, u1] = await load(url, 'input[name=DBInstanceId]:not([disabled])');
  shown.ours.push(s1);
  ours.push(u1);
  if (sw) {
    const [s2, u2] = await load(sw.url, '.opblock-post textarea.body-param__text:not([disabled])');
    shown.theirs.push(s2);
    theirs.push(u2);
  }
}
await browser.close();
sw?.server.close();
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const out = { runs, median_ms: Math.round(q(ours, 0.5)), p90_ms: Math.round(q(ours, 0.9)), min_ms: Math.round(Math.min(...ours)), shown_median_ms: Math.round(q(shown.ours, 0.5)) };
if (sw) {
  Object.assign(out, {
    swagger_ui_median_ms: Math.round(q(theirs, 0.5)),
    swagger_ui_p90_ms: Math.round(q(theirs, 0.9)),
    swagger_ui_shown_median_ms: Math.round(q(shown.theirs, 0.5)),
    ratio: +(q(ours, 0.5) / q(theirs, 0.5)).toFixed(2),
  });
}
console.log(JSON.stringify(out));
