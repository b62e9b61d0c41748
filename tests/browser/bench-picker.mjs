// The instance picker against a fleet of 5,000 instances, in headless Chromium. Used by
// scripts/bench-web.sh:
//   node tests/browser/bench-picker.mjs CONSOLE_URL METRICS_URL [searches]
// For each search a query is typed at 30 ms a key; it measures every keystroke to the
// next frame (keydown to the first animation frame after it), the last keystroke to the
// results of that query drawn, and the DescribeDBInstances calls (the proxy's metrics)
// per console load and per search. Prints one JSON line.
import { chromium } from 'playwright-core';

const [url, metrics, searchesArg] = process.argv.slice(2);
const searches = Number(searchesArg || 20);
const calls = async () => (await (await fetch(metrics)).text()).split('\n')
  .filter((l) => l.startsWith('rds_backup_proxy_upstream_calls_total{') && l.includes('action="DescribeDBInstances"'))
  .reduce((n, l) => n + Number(l.trim().split(/\s+/).pop()), 0);
const words = ['mysql', 'postgresql running', 'rm-fleet-01', 'sqlserver', 'cloud', 'mariadb stopped', 'pgm-fleet-02', 'local', 'rm-fleet-03', 'mysql cloud'];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const atStart = await calls();
await page.goto(url);
await page.waitForSelector('input[name=DBInstanceId][data-loaded]');
await new Promise((r) => setTimeout(r, 300));
const perLoad = (await calls()) - atStart;
await page.evaluate(() => {
  window.__frames = [];
  document.addEventListener('keydown', () => {
    const t = performance.now();
    window.__lastKey = t;
    requestAnimationFrame(() => window.__frames.push(performance.now() - t));
  }, true);
});
await page.focus('input[name=DBInstanceId]');
const firsts = [];
const atSearch = await calls();
for (let i = 0; i < searches; i++) {
  // Each query distinct (a suffix of spaces is trimmed by the proxy, so vary the text).
  const query = `${words[i % words.length]}${i >= words.length ? ` ${i}` : ''}`;
  await page.fill('input[name=DBInstanceId]', '');
  await page.waitForFunction(() => document.querySelector('#instances')?.dataset.query === '' || !document.querySelector('#instances'));
  await page.keyboard.type(query, { delay: 30 });
  await page.waitForFunction((q) => {
    const ul = document.querySelector('#instances');
    return ul && ul.dataset.query === q && !ul.dataset.loading;
  }, query, { polling: 'raf' });
  // From the last keydown to the frame that shows the results.
  firsts.push(await page.evaluate(() => performance.now() - window.__lastKey));
}
const perSearch = ((await calls()) - atSearch) / searches;
const frames = await page.evaluate(() => window.__frames);
await browser.close();
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
console.log(JSON.stringify({
  keystrokes: frames.length,
  keystroke_to_frame_p50_ms: +q(frames, 0.5).toFixed(1),
  keystroke_to_frame_p95_ms: +q(frames, 0.95).toFixed(1),
  searches,
  first_results_median_ms: Math.round(q(firsts, 0.5)),
  first_results_p95_ms: Math.round(q(firsts, 0.95)),
  describe_calls_per_load: perLoad,
  describe_calls_per_search: +perSearch.toFixed(2),
}));
