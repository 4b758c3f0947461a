// The web console in a real browser. Starts durable-emulator on loopback (virtual time, the C++
// order workflow as the runtime function process-order, the conformance fixtures in process),
// runs an order execution and a callback execution (fixture 4-1, whose callback is named by its
// input), then drives Debian's headless chromium through the DevTools protocol (puppeteer-core):
// the list and its filters, the order's timeline (operations as SVG elements), an event's JSON,
// the callback answered with the console's button until the execution completes, the start form
// (an error from the API's own validation, then a new execution, stopped from the console), and
// text holding <script> shown as text. Then opens the example order workflow's timeline as
// TestResult::write_timeline_html wrote it (order_timeline), checks its picture, and photographs
// it: <dir>/order-timeline.png is the README's docs/order-timeline.png, made afresh.
//
//   node console_browser_test.mjs <durable-emulator> <durable-order-handler> <dir> <order_timeline>
// <dir> holds node_modules/puppeteer-core (ctest fixture console_browser_setup). Exits 77 (SKIP)
// only when chromium or puppeteer-core could not be installed, saying which.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const SKIP = 77;
const ORDER = { order_id: 'order-123', amount: 99.5,
  items: [{ sku: 'book', quantity: 2 }, { sku: 'lamp', quantity: 1 }] };
// Text that would run if the console put data into markup unescaped.
const HOSTILE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">';

const [emulatorPath, orderHandlerPath, dir, orderTimelinePath] = process.argv.slice(2);
if (!orderTimelinePath) {
  console.error('usage: console_browser_test.mjs <durable-emulator> <durable-order-handler> <dir> <order_timeline>');
  process.exit(2);
}

function findChromium() {
  for (const candidate of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return null;
}
const chromium = findChromium();
if (!chromium) {
  console.log('SKIP: chromium is not installed and the console_browser_setup fixture could not ' +
              'install it (apt-get install chromium needs root or sudo)');
  process.exit(SKIP);
}
let puppeteer;
try {
  puppeteer = createRequire(path.join(dir, 'package.json'))('puppeteer-core');
} catch (err) {
  console.log('SKIP: puppeteer-core is not installed in ' + dir + ' (npm install failed in the ' +
              'console_browser_setup fixture): ' + err.message);
  process.exit(SKIP);
}
console.log('browser: ' + execFileSync(chromium, ['--version']).toString().trim());

let emulator = null;
let browser = null;
// The whole test is bounded: a hang fails it rather than waiting for ctest's timeout.
const watchdog = setTimeout(() => {
  console.error('FAIL: the test did not finish within 240 s');
  cleanup().finally(() => process.exit(1));
}, 240000);

async function cleanup() {
  clearTimeout(watchdog);
  if (browser) await browser.close().catch(() => {});
  browser = null;
  if (emulator && emulator.exitCode === null) {
    emulator.kill('SIGTERM');
    await new Promise((resolve) => {
      const force = setTimeout(() => { emulator.kill('SIGKILL'); resolve(); }, 10000);
      emulator.once('exit', () => { clearTimeout(force); resolve(); });
    });
  }
}

function check(condition, message) {
  if (!condition) throw new Error(message);
  console.log('ok: ' + message);
}

// Starts the emulator on an ephemeral loopback port; resolves with its base URL.
function startEmulator() {
  emulator = spawn(emulatorPath, ['--host', '127.0.0.1', '--port', '0', '--skip-time',
    '--execution-timeout', '604800', '--log-level', 'warn',
    '--function', 'process-order=' + orderHandlerPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('durable-emulator did not start: ' + out)), 30000);
    emulator.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    emulator.once('exit', (code) => reject(new Error('durable-emulator exited with ' + code)));
  });
}

async function invoke(base, fn, payload, type, name) {
  const headers = { 'X-Amz-Invocation-Type': type };
  if (name) headers['X-Amz-Durable-Execution-Name'] = name;
  const res = await fetch(base + '/2015-03-31/functions/' + fn + '/invocations',
    { method: 'POST', headers, body: JSON.stringify(payload) });
  await res.text();
  return { status: res.status, arn: res.headers.get('x-amz-durable-execution-arn') };
}

async function rowsOf(page) {
  return page.$$eval('tr.execution', (rows) => rows.map((r) => ({
    name: r.querySelector('a').textContent, status: r.dataset.status, arn: r.dataset.arn })));
}

async function main() {
  const base = await startEmulator();
  console.log('emulator: ' + base);
  const order = await invoke(base, 'process-order', ORDER, 'RequestResponse', 'order-1');
  check(order.status === 200 && order.arn, 'the order execution ran to its end (Invoke 200)');
  const callback = await invoke(base, '4-1', HOSTILE, 'Event', 'approval-1');
  check(callback.status === 202 && callback.arn, 'the callback execution started (Invoke 202)');

  browser = await puppeteer.launch({
    executablePath: chromium, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1000 });
  const outside = [];
  page.on('request', (req) => { if (!req.url().startsWith(base) && !req.url().startsWith('data:')) outside.push(req.url()); });
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('dialog', (dialog) => { pageErrors.push('dialog: ' + dialog.message()); dialog.dismiss(); });

  // The list: both executions, live; filters by status and function.
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelectorAll('tr.execution').length >= 2, { timeout: 20000 });
  let rows = await rowsOf(page);
  check(rows.some((r) => r.name === 'order-1' && r.status === 'SUCCEEDED'), 'the list shows order-1 SUCCEEDED');
  check(rows.some((r) => r.name === 'approval-1' && r.status === 'RUNNING'), 'the list shows approval-1 RUNNING');
  await page.select('#filter-status', 'RUNNING');
  await page.waitForFunction(() => [...document.querySelectorAll('tr.execution')].every((r) => r.dataset.status === 'RUNNING'), { timeout: 10000 });
  rows = await rowsOf(page);
  check(rows.length === 1 && rows[0].name === 'approval-1', 'the status filter keeps only the running execution');
  await page.select('#filter-status', '');
  await page.select('#filter-function', 'process-order');
  await page.waitForFunction(() => { const r = [...document.querySelectorAll('tr.execution')]; return r.length === 1 && r[0].textContent.includes('order-1'); }, { timeout: 10000 });
  check(true, 'the function filter (ListDurableExecutionsByFunction) keeps only process-order');

  // The order's page: summary, timeline, invocations, an event's JSON.
  await page.click('tr.execution a');
  await page.waitForSelector('#timeline svg .op-row', { timeout: 20000 });
  const ops = await page.$$eval('#timeline svg .op-row', (gs) => gs.map((g) => ({
    name: g.dataset.name, type: g.dataset.opType, status: g.dataset.status,
    x: Number(g.querySelector('.op-label').getAttribute('x')),
    bars: g.querySelectorAll('.op-bar').length,
    retries: g.querySelectorAll('.op-bar.seg-retry').length,
    waits: g.querySelectorAll('.op-bar.seg-wait').length })));
  console.log('timeline rows: ' + JSON.stringify(ops.map((o) => [o.name, o.type, o.status])));
  const op = (name) => ops.find((o) => o.name === name);
  check(op('order-1') && op('order-1').type === 'EXECUTION' && op('order-1').status === 'SUCCEEDED', 'the timeline has the execution row, SUCCEEDED');
  check(op('validate-order') && op('validate-order').type === 'STEP' && op('validate-order').status === 'SUCCEEDED', 'validate-order is a succeeded STEP bar');
  check(op('reserve-inventory') && op('reserve-inventory').type === 'CONTEXT', 'reserve-inventory is a CONTEXT row');
  check(op('reserve book') && op('reserve book').x > op('reserve-inventory').x, 'reserve book is nested under its parent context');
  check(op('charge-payment') && op('charge-payment').retries === 1 && op('charge-payment').bars === 3, 'charge-payment shows two attempts and the retry delay between them');
  check(op('shipping-window') && op('shipping-window').type === 'WAIT' && op('shipping-window').waits === 1, 'shipping-window is a WAIT bar');
  const invocationBars = await page.$$eval('#timeline svg .invocation-bar', (b) => b.length);
  const invocationRows = await page.$$eval('#invocations tr', (r) => r.length);
  check(invocationBars >= 2 && invocationBars === invocationRows, 'the invocations appear in the timeline and the table (' + invocationRows + ')');
  const caption = await page.$eval('#timeline svg .axis-caption', (t) => t.textContent);
  check(caption.includes('virtual time'), 'the axis says the time is virtual');
  check((await page.$eval('#input', (p) => p.textContent)).includes('order-123'), 'the input is shown');
  check((await page.$eval('#result', (p) => p.textContent)).length > 0, 'the result is shown');
  await page.click('tr.event[data-event-id="1"]');
  const eventJson = await page.$eval('tr.event-json[data-event-id="1"] pre', (p) => p.textContent);
  check(JSON.parse(eventJson).EventType === 'ExecutionStarted', 'an event expands to its JSON');
  await page.screenshot({ path: path.join(dir, 'console-order.png'), fullPage: true });

  // The callback execution: its hostile name stays text; the console's button answers it.
  await page.goto(base + '/#/execution/' + encodeURIComponent(callback.arn), { waitUntil: 'load' });
  await page.waitForSelector('.callback .callback-succeed', { timeout: 20000 });
  const cbName = await page.$eval('.callback', (c) => c.dataset.name);
  check(cbName === HOSTILE, 'the open callback is listed under its name');
  const shownAsText = await page.$eval('.callback strong', (s) => s.textContent);
  check(shownAsText === HOSTILE, 'a callback name holding <script> is rendered as text');
  check(await page.$$eval('#app script, #app img', (n) => n.length) === 0, 'no element was made from the data');
  const svgTexts = await page.$$eval('#timeline svg .op-row', (g) => g.map((x) => x.dataset.name));
  check(svgTexts.includes(HOSTILE), 'the timeline shows the hostile name as text');
  const inputShown = await page.$eval('#input', (p) => p.textContent);
  check(inputShown.includes('<script>'), 'a payload holding <script> is shown as text');
  await page.$eval('.callback-payload', (t) => { t.value = '{"approved": true}'; });
  await page.click('.callback-succeed');
  await page.waitForFunction(() => { const s = document.querySelector('#summary .status'); return s && s.textContent === 'SUCCEEDED'; }, { timeout: 30000 });
  check(true, 'answering the callback from the console completes the execution');
  const result = JSON.parse(await page.$eval('#result', (p) => p.textContent));
  check(result && result.approved === true, 'the execution ends with the callback result');
  check((await page.$$('.callback')).length === 0, 'no callback is open any more');

  // The start form: the API's validation error with its code, then a new execution, stopped.
  await page.goto(base + '/#/', { waitUntil: 'load' });
  await page.waitForSelector('#start-button');
  await page.select('#start-function', '4-1');
  await page.$eval('#start-payload', (t) => { t.value = '{not json'; });
  await page.click('#start-button');
  await page.waitForSelector('#start-result .error', { timeout: 10000 });
  const startError = await page.$eval('#start-result .error', (e) => ({ code: e.dataset.errorCode, text: e.textContent }));
  check(startError.code === 'InvalidRequestContentException' && startError.text.includes('JSON'), 'a payload that is not JSON shows the API error code and message: ' + startError.text);
  await page.$eval('#start-payload', (t) => { t.value = '"from-the-console"'; });
  await page.type('#start-name', 'started-here');
  await page.click('#start-button');
  await page.waitForSelector('#stop-button', { timeout: 20000 });
  check((await page.$eval('#summary', (s) => s.textContent)).includes('started-here'), 'the start form opened the new execution');
  await page.waitForSelector('.callback[data-name="from-the-console"]', { timeout: 20000 });
  await page.click('#stop-button');
  await page.waitForFunction(() => { const s = document.querySelector('#summary .status'); return s && s.textContent === 'STOPPED'; }, { timeout: 20000 });
  check(true, 'the stop button stops the execution');
  // An action the API refuses shows its error: the same name again is a conflict or is refused.
  await page.goto(base + '/#/', { waitUntil: 'load' });
  await page.waitForSelector('#start-button');
  await page.select('#start-function', '4-1');
  await page.$eval('#start-payload', (t) => { t.value = '"again"'; });
  await page.type('#start-name', 'x'.repeat(300));
  await page.click('#start-button');
  await page.waitForSelector('#start-result .error', { timeout: 10000 });
  const nameError = await page.$eval('#start-result .error', (e) => ({ code: e.dataset.errorCode, text: e.textContent }));
  check(!!nameError.code && nameError.text.length > nameError.code.length, 'a refused name shows the API error: ' + nameError.text);

  // The order example's timeline from a test: the same renderer, one file, nothing loaded.
  const htmlPath = path.join(dir, 'order-timeline.html');
  execFileSync(orderTimelinePath, [htmlPath], { stdio: 'inherit' });
  const filePage = await browser.newPage();
  await filePage.setViewport({ width: 1200, height: 700, deviceScaleFactor: 1 });
  const fileRequests = [];
  filePage.on('request', (req) => { if (!req.url().startsWith('file:')) fileRequests.push(req.url()); });
  filePage.on('pageerror', (err) => pageErrors.push('timeline file: ' + String(err)));
  await filePage.goto('file://' + htmlPath, { waitUntil: 'load' });
  await filePage.waitForSelector('#timeline svg .op-row', { timeout: 10000 });
  const fileOps = await filePage.$$eval('#timeline svg .op-row', (gs) => gs.map((g) => ({ name: g.dataset.name, type: g.dataset.opType, status: g.dataset.status })));
  console.log('order example rows: ' + JSON.stringify(fileOps.map((o) => [o.name, o.type, o.status])));
  check(fileOps[0].type === 'EXECUTION' && fileOps[0].status === 'SUCCEEDED', 'the timeline file shows the succeeded execution');
  for (const type of ['STEP', 'CONTEXT', 'WAIT', 'CHAINED_INVOKE']) {
    check(fileOps.some((o) => o.type === type), 'the timeline file has a ' + type + ' operation');
  }
  check(fileRequests.length === 0, 'the timeline file loads nothing' + (fileRequests.length ? ': ' + fileRequests.join(', ') : ''));
  const svg = await filePage.$('#timeline svg');
  await svg.screenshot({ path: path.join(dir, 'order-timeline.png') });
  console.log('screenshot: ' + path.join(dir, 'order-timeline.png'));

  const xss = await page.evaluate(() => window.__xss);
  check(xss === undefined, 'no script from the data ran');
  check(outside.length === 0, 'the console loaded nothing from outside the emulator' + (outside.length ? ': ' + outside.join(', ') : ''));
  check(pageErrors.length === 0, 'no script errors on the page' + (pageErrors.length ? ': ' + pageErrors.join('; ') : ''));
}

main().then(async () => {
  await cleanup();
  console.log('console_browser: all checks passed');
  process.exit(0);
}, async (err) => {
  console.error('FAIL: ' + (err && err.stack || err));
  await cleanup();
  process.exit(1);
});
