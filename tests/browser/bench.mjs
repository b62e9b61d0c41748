// Time from navigation to a usable form, in headless Chromium, against the proxy in
// demo mode serving the release build. Used by scripts/bench-web.sh:
//   node tests/browser/bench.mjs http://127.0.0.1:PORT/ [runs]
// Prints the median and the 90th percentile in milliseconds.
import { chromium } from 'playwright-core';

const [url, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 15);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const times = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext(); // cold cache every run
  const page = await context.newPage();
  await page.goto(url);
  // Usable: the form is rendered and the controls accept input.
  await page.waitForSelector('input[name=DBInstanceId]:not([disabled])');
  times.push(await page.evaluate(() => performance.now()));
  await context.close();
}
await browser.close();
times.sort((a, b) => a - b);
const pick = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(JSON.stringify({ runs, median_ms: Math.round(pick(0.5)), p90_ms: Math.round(pick(0.9)), min_ms: Math.round(times[0]) }));
