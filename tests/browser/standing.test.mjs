// A standing proxy's record in real headless Chromium: `chaosctl serve --proxies` on ephemeral
// loopback ports keeps a proxy in front of a small HTTP server; a latency toxic added over the
// Toxiproxy-compatible API and removed again shows on the record's page (listed with the runs
// as "(standing proxies)") as a fault window over the toxic's metrics, with no abort button and
// no live panel (the record ends with its process). Screenshot to $CHAOS_SCREENSHOT_DIR.
// Run by ctest (browser_standing); exits non-zero on failure.
import http from 'node:http';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
const shots = env.CHAOS_SCREENSHOT_DIR || path.join(os.tmpdir(), 'chaos-screenshots');
const require = createRequire(path.join(env.CHAOS_SOURCE_DIR, 'web', 'package.json'));
const { chromium } = require('playwright-core');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-browser-standing-'));
fs.mkdirSync(shots, { recursive: true });
const log = (...a) => console.log('[standing.test]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, fn, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const upstream = http.createServer((req, res) => res.end('ok\n'));
await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
const listenPort = await new Promise((r) => {
  const probe = http.createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => r(port));
  });
});
fs.writeFileSync(path.join(dir, 'proxies.json'), JSON.stringify({
  proxies: [{ name: 'web', listen: `127.0.0.1:${listenPort}`, upstream: `localhost:${upstream.address().port}` }],
}));
const logFile = fs.openSync(path.join(dir, 'chaosctl.log'), 'w');
const serve = spawn(path.join(env.CHAOS_BIN_DIR, 'chaosctl'), ['--db', `${dir}/chaos.db`, 'serve',
  '--listen', '127.0.0.1:0', '--token', 'standing-test-token', '--proxies', `${dir}/proxies.json`,
  '--api-listen', '127.0.0.1:0', '--experiments', dir], { stdio: ['ignore', logFile, logFile] });

let failed = false;
try {
  const chaosLog = () => fs.readFileSync(path.join(dir, 'chaosctl.log'), 'utf8');
  const base = await waitFor('chaosctl serve to listen', async () => {
    const m = chaosLog().match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
    return m && m[1];
  });
  const api = await waitFor('the Toxiproxy API', async () => {
    const m = chaosLog().match(/Toxiproxy-compatible API on port (\d+)/);
    return m && `http://127.0.0.1:${m[1]}`;
  });
  const added = await fetch(`${api}/proxies/web/toxics`, {
    method: 'POST', body: JSON.stringify({ type: 'latency', attributes: { latency: 50 } }),
  });
  if (added.status !== 200) throw new Error(`adding the toxic: ${added.status} ${await added.text()}`);
  // Traffic through the proxy while the toxic is on, until its metrics are stored.
  await waitFor('the toxic\'s metrics', async () => {
    await fetch(`http://127.0.0.1:${listenPort}/`);
    const { series } = await (await fetch(`${base}/api/v1/runs/1/samples`)).json();
    return series.some((s) => s.name === 'web/latency_downstream.bytes_from_upstream' && s.t.length >= 2);
  });
  const removed = await fetch(`${api}/proxies/web/toxics/latency_downstream`, { method: 'DELETE' });
  if (removed.status !== 204) throw new Error(`removing the toxic: ${removed.status}`);
  const context = await chromium.launchPersistentContext(path.join(dir, 'chromium-profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1400, height: 1000 },
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
    await page.goto(`${base}/#/runs`);
    await page.locator('td', { hasText: '(standing proxies)' }).first().waitFor();
    await page.goto(`${base}/#/runs/1`);
    await page.locator('h2', { hasText: 'chaosctl serve' }).waitFor();
    const chart = page.getByText('web/latency_downstream.bytes_from_upstream').first();
    await chart.waitFor();
    await chart.scrollIntoViewIfNeeded();
    if (await page.locator('[data-testid=abort]').count() !== 0) throw new Error('an abort button on a standing-proxies record');
    if (await page.locator('[data-testid=live]:not(.hidden)').count() !== 0) throw new Error('a live panel on a standing-proxies record');
    const timeline = await page.locator('body').textContent();
    for (const expected of ['start web/latency_downstream (latency)', 'stop web/latency_downstream: toxic deleted']) {
      if (!timeline.includes(expected)) throw new Error(`the page lacks "${expected}"`);
    }
    await page.screenshot({ path: `${shots}/standing_proxies.png` });
    if (problems.length) throw new Error(`browser problems:\n${problems.join('\n')}`);
    log('ok; screenshot in', shots);
  } finally {
    await context.close();
  }
} catch (err) {
  failed = true;
  console.error('[standing.test] FAILED:', err.message);
  console.error(fs.readFileSync(path.join(dir, 'chaosctl.log'), 'utf8').slice(-3000));
} finally {
  upstream.close();
  if (serve.exitCode === null) serve.kill('SIGTERM');
  await new Promise((r) => (serve.exitCode !== null ? r() : serve.once('exit', r)));
  if (!failed) fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
