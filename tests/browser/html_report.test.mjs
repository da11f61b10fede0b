// The HTML report of a real run, opened offline in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; every request but the file itself is refused and counted). A node
// HTTP server on 127.0.0.1 is the service; the experiment's own latency proxy slows it past its
// hypothesis, so the run deviates with a fault window, a threshold and samples in every phase.
// Checks: one chart per series of the JSON report, each with a drawn line; the fault window
// shaded and the threshold drawn inside the plot; verdict, reason, checks and faults as the JSON
// says; `report RUN --format html` writes the same file; nothing is fetched and the file names
// no resource to fetch. Run by ctest (browser_html_report); exits non-zero on failure.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
const bin = env.CHAOS_BIN_DIR;
const src = env.CHAOS_SOURCE_DIR;
const shots = env.CHAOS_SCREENSHOT_DIR || path.join(os.tmpdir(), 'chaos-screenshots');
const require = createRequire(path.join(src, 'web', 'package.json'));
const { chromium } = require('playwright-core');
const log = (...a) => console.log('[html_report.test]', ...a);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-html-report-'));
fs.mkdirSync(shots, { recursive: true });

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}
// chaosctl ARGS on the test's store, awaited without blocking this process's HTTP server.
function chaosctl(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(bin, 'chaosctl'), ['--db', `${dir}/chaos.db`, '--no-color', ...args]);
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => { child.kill('SIGTERM'); reject(new Error(`chaosctl ${args[0]} timed out:\n${out}`)); }, 90000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}
function check(ok, what) { if (!ok) throw new Error(what); }

const service = http.createServer((req, res) => res.end('ok\n'));
await new Promise((r) => service.listen(0, '127.0.0.1', r));
let failed = false;
try {
  const proxy = `127.0.0.1:${await freePort()}`;
  fs.writeFileSync(`${dir}/slow.lua`, `experiment {
  title = "a slow service",
  proxies = { web = { listen = "${proxy}", upstream = "127.0.0.1:${service.address().port}" } },
  steady_state = {
    http_probe "home" { url = "http://${proxy}/", every = "50ms", min_samples = 5,
      expect = { p99_ms = { max = 60 } } },
  },
  method = { fault "latency" { name = "slow-web", proxy = "web", delay = "150ms", duration = "1500ms" } },
  recovery = { within = "10s" },
}`);
  const html = `${dir}/report.html`;
  const run = await chaosctl(['run', `${dir}/slow.lua`, '--html', html, '--report', `${dir}/report.json`]);
  check(run.code === 1, `the run should deviate (exit 1), got ${run.code}:\n${run.out}`);
  const report = JSON.parse(fs.readFileSync(`${dir}/report.json`, 'utf8'));
  const again = await chaosctl(['report', String(report.id), '--format', 'html', '-o', `${dir}/again.html`]);
  check(again.code === 0, `report --format html: exit ${again.code}:\n${again.out}`);
  const text = fs.readFileSync(html, 'utf8');
  check(fs.readFileSync(`${dir}/again.html`, 'utf8') === text, 'report --format html differs from run --html');
  // Nothing for a browser to load: no tag with a src or href, no script, link, frame or object,
  // no url() or @import in the stylesheet. (Text is escaped, so every <...> is a tag.)
  const fetching = (text.match(/<[^>]*>/g) || [])
    .filter((t) => /\b(?:src|href)\s*=|url\(|^<(?:script|link|iframe|object|embed|img)\b/i.test(t));
  check(fetching.length === 0, `the report names something to fetch: ${fetching.join(' ')}`);
  const css = text.slice(text.indexOf('<style>'), text.indexOf('</style>'));
  check(css.length > 100 && !/url\(|@import/i.test(css), 'the stylesheet fetches something');

  const context = await chromium.launchPersistentContext(path.join(dir, 'chromium-profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    offline: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1200, height: 900 },
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const fileUrl = `file://${html}`;
    const requests = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url === fileUrl) return route.continue();
      requests.push(url);
      return route.abort();
    });
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    await page.goto(fileUrl, { waitUntil: 'load' });
    await page.screenshot({ path: `${shots}/html-report.png`, fullPage: true });
    await page.screenshot({ path: `${shots}/html-report-top.png` });

    // The series without checks (the proxies' metrics here) are folded away: open them.
    check(await page.locator('details.other-series:not([open])').count() === 1, 'the other series are not folded');
    await page.click('details.other-series summary');
    await page.screenshot({ path: `${shots}/html-report-all.png`, fullPage: true });
    const series = [...new Set(report.samples.map((s) => s.series))];
    const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((svg) => {
      const plot = svg.querySelector('rect.plot').getBoundingClientRect();
      const line = svg.querySelector('path.series');
      const box = (el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, width: r.width, height: r.height }; };
      return {
        series: svg.dataset.series,
        samples: Number(svg.dataset.samples),
        width: svg.getBoundingClientRect().width,
        plot: { top: plot.top, bottom: plot.bottom, width: plot.width },
        lineLength: line.getTotalLength(),
        lineBox: box(line),
        windows: [...svg.querySelectorAll('rect.fault-window')].map(box),
        thresholds: [...svg.querySelectorAll('line.threshold')].map(box),
        failed: svg.querySelectorAll('rect.failed-reading').length,
      };
    }));
    check(charts.length === series.length && charts.length > 0,
      `charts ${JSON.stringify(charts.map((c) => c.series))} vs series ${JSON.stringify(series)}`);
    for (const c of charts) {
      const n = report.samples.filter((s) => s.series === c.series).length;
      check(c.samples === n, `${c.series}: data-samples ${c.samples}, the JSON has ${n}`);
      check(c.width > 300 && c.plot.width > 300, `${c.series}: chart not laid out: ${JSON.stringify(c)}`);
      check(c.lineLength > 0 && c.lineBox.width > 0, `${c.series}: no line drawn: ${JSON.stringify(c)}`);
      check(c.windows.length === report.fault_windows.length && c.windows.every((w) => w.width > 1 && w.height > 10),
        `${c.series}: fault windows ${JSON.stringify(c.windows)}`);
    }
    const home = charts.find((c) => c.series === 'home');
    check(home, 'no chart for the probe "home"');
    check(home.thresholds.length === 1, `home: thresholds ${JSON.stringify(home.thresholds)}`);
    const th = home.thresholds[0];
    check(th.top >= home.plot.top - 1 && th.bottom <= home.plot.bottom + 1, `threshold outside the plot: ${JSON.stringify(home)}`);
    // The 150 ms readings reach far above the 60 ms line; the steady ones sit below it.
    check(home.lineBox.top < th.top && home.lineBox.bottom > th.bottom, `line vs threshold: ${JSON.stringify(home)}`);

    const verdict = await page.textContent('[data-testid=verdict]');
    check(verdict === report.verdict, `verdict ${verdict}, JSON ${report.verdict}`);
    const reason = await page.textContent('[data-testid=reason]');
    check(reason === report.reason, `reason "${reason}", JSON "${report.reason}"`);
    const rows = await page.locator('[data-testid=checks] tbody tr').count();
    check(rows === report.checks.length, `checks rows ${rows}, JSON ${report.checks.length}`);
    const failedChecks = await page.locator('[data-testid=checks] tr.out-failed').count();
    check(failedChecks === report.checks.filter((c) => c.outcome === 'failed').length && failedChecks > 0, `failed checks ${failedChecks}`);
    const faults = await page.$$eval('[data-testid=fault-status]', (els) => els.map((e) => [e.dataset.fault, e.querySelectorAll('tr[data-label]').length]));
    check(faults.length === 1 && faults[0][0] === 'slow-web' && faults[0][1] > 0, `fault statuses ${JSON.stringify(faults)}`);
    const sha = await page.textContent('[data-testid=sha256]');
    check(sha === report.source_sha256, 'source sha256');

    check(requests.length === 0, `the report fetched: ${requests.join(', ')}`);
    check(problems.length === 0, `browser problems:\n${problems.join('\n')}`);
    log(`ok: ${charts.length} charts (${charts.map((c) => `${c.series}: ${c.samples}`).join(', ')}); screenshot in ${shots}/html-report.png`);
  } finally {
    await context.close();
  }
} catch (err) {
  failed = true;
  console.error('[html_report.test] FAILED:', err.message);
} finally {
  service.close();
  if (!failed) fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
