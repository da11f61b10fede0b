// The Runs page's schedules in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core; nothing is downloaded): `chaosctl serve` on an ephemeral loopback port with a
// schedule in a time zone, a blackout window in force now and a weekly one; the schedule's row
// shows its zone, that its next firing will be refused, and its latest refusal naming the
// window; the windows and the refused starts are listed. Screenshot to $CHAOS_SCREENSHOT_DIR.
// Run by ctest (browser_schedules); exits non-zero on failure.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
const shots = env.CHAOS_SCREENSHOT_DIR || path.join(os.tmpdir(), 'chaos-screenshots');
const require = createRequire(path.join(env.CHAOS_SOURCE_DIR, 'web', 'package.json'));
const { chromium } = require('playwright-core');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-browser-schedules-'));
fs.mkdirSync(shots, { recursive: true });
const log = (...a) => console.log('[schedules.test]', ...a);
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
// "YYYY-MM-DD HH:MM" in UTC.
const utcMinute = (ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

const experiment = path.join(dir, 'tick.lua');
fs.writeFileSync(experiment, "experiment { title = 'tick', method = function() end }\n");
const freeze = `${utcMinute(Date.now() - 3600e3)}-${utcMinute(Date.now() + 3600e3)} UTC`;
// A weekly window that is never in force while the test runs: the whole day three days ahead.
// (A fixed 'Fri 16:00-Mon 08:00' was in force on Fridays and failed the test then.)
const weekday = (ms) => ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(ms).getUTCDay()];
const weekend = `${weekday(Date.now() + 3 * 86400e3)} 00:00-${weekday(Date.now() + 4 * 86400e3)} 00:00 Europe/Berlin`;
const logFile = fs.openSync(path.join(dir, 'chaosctl.log'), 'w');
const serve = spawn(path.join(env.CHAOS_BIN_DIR, 'chaosctl'), ['--db', `${dir}/chaos.db`, 'serve',
  '--listen', '127.0.0.1:0', '--token', 'schedules-test-token',
  '--schedule', `TZ=Europe/Berlin */2 * * * * * ${experiment}`,
  '--blackout', freeze, '--blackout', weekend], { stdio: ['ignore', logFile, logFile] });

let failed = false;
try {
  const base = await waitFor('chaosctl serve to listen', async () => {
    const m = fs.readFileSync(path.join(dir, 'chaosctl.log'), 'utf8').match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
    return m && m[1];
  });
  await waitFor('a refused firing', async () => {
    const { schedules } = await (await fetch(`${base}/api/v1/schedules`)).json();
    return schedules[0].refusals_total >= 1;
  });
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
    // Every byte to 127.0.0.1 only.
    await page.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
    await page.goto(`${base}/#/runs`);
    const row = page.locator('[data-testid=schedule-row]');
    await row.waitFor();
    const text = await row.textContent();
    for (const expected of ['Europe/Berlin', `inside blackout ${freeze}: will be refused`, `blackout window '${freeze}' is in force`]) {
      if (!text.includes(expected)) throw new Error(`schedule row lacks "${expected}": ${text}`);
    }
    if (!/ CES?T/.test(await row.locator('td').nth(3).textContent())) throw new Error('next firing not in the schedule\'s zone');
    const windows = await page.$$eval('[data-testid=blackout-row]', (rows) => rows.map((r) => [r.dataset.inForce, r.textContent]));
    if (windows.length !== 2 || windows[0][0] !== 'yes' || !windows[0][1].includes('in force until')
        || windows[1][0] !== 'no' || !windows[1][1].includes(weekend) || !windows[1][1].includes('next ')) {
      throw new Error(`blackout rows: ${JSON.stringify(windows)}`);
    }
    if (await page.locator('[data-testid=refusal-row]').count() < 1) throw new Error('no refused starts listed');
    await page.screenshot({ path: `${shots}/schedules.png`, fullPage: true });
    if (problems.length) throw new Error(`browser problems:\n${problems.join('\n')}`);
    log('ok; screenshot in', shots);
  } finally {
    await context.close();
  }
} catch (err) {
  failed = true;
  console.error('[schedules.test] FAILED:', err.message);
  console.error(fs.readFileSync(path.join(dir, 'chaosctl.log'), 'utf8').slice(-3000));
} finally {
  if (serve.exitCode === null) serve.kill('SIGTERM');
  await new Promise((r) => (serve.exitCode !== null ? r() : serve.once('exit', r)));
  if (!failed) fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
