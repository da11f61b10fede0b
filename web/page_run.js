// One run: verdict and why, timeline, charts (fault windows shaded, thresholds drawn), probe
// results, each fault's final status (its whole-run figures), plugins, the source with its hash — and, while it runs, the live view fed by the
// server-sent events: new samples are appended to the charts as the server stores them.
import { getJson, onLive, post } from './api.js';
import { h, fmtTime, fmtMs, verdictBadge } from './util.js';
import { renderChart, thresholdsFor, faultWindows, appendPoints } from './charts.js';

// Charts of every series of `run` into `el`. Returns the run's events and checks, and the charts
// by series name (uPlot instances, for live appends).
export async function runCharts(el, run, width) {
  const [{ series }, { events }, { checks }] = await Promise.all([
    getJson(`/api/v1/runs/${run.id}/samples`),
    getJson(`/api/v1/runs/${run.id}/events`),
    getJson(`/api/v1/runs/${run.id}/checks`),
  ]);
  el.innerHTML = '';
  const windows = faultWindows(events);
  const charts = new Map();
  if (!series.length) el.append(h('p', { class: 'muted' }, 'no samples yet'));
  for (const s of series) {
    const box = h('div', { 'data-testid': 'chart', 'data-series': s.name });
    el.append(box);
    const errors = s.errors ? ` — ${s.errors} failed readings (last: ${s.last_error})` : '';
    charts.set(s.name, renderChart(box, {
      title: s.name + errors, t: s.t, origin: run.started_unix_ms, lines: [{ label: s.name, values: s.v }],
      windows, thresholds: thresholdsFor(s.name, checks), width: width || box.clientWidth,
    }));
  }
  return { events, checks, charts };
}

function eventRow(e, startMs) {
  return h('tr', { class: `ev-${e.kind}`, 'data-testid': 'event' },
    h('td', { class: 'num' }, `${((e.unix_ms - startMs) / 1000).toFixed(1)}s`),
    h('td', {}, e.phase), h('td', {}, e.kind), h('td', {}, e.message));
}

function checksTable(checks) {
  return h('table', { 'data-testid': 'checks' },
    h('thead', {}, h('tr', {}, ['probe', 'phase', 'aggregate', 'value', 'expected', 'outcome', 'samples'].map((c) => h('th', {}, c)))),
    h('tbody', {}, checks.map((c) => h('tr', { class: `out-${c.outcome}` },
      h('td', {}, c.probe), h('td', {}, c.phase), h('td', {}, c.aggregate),
      h('td', { class: 'num' }, c.value == null ? 'n/a' : Number(c.value).toPrecision(4)), h('td', {}, c.expectation),
      h('td', {}, h('span', { class: `badge o-${c.outcome}` }, c.outcome)), h('td', { class: 'num' }, c.samples)))));
}

// Each fault's final status, as the server formats it per kind (the same lines as chaosctl show).
function faultsTable(faults) {
  if (!faults.length) return h('p', { class: 'muted' }, 'no fault has stopped yet');
  return h('div', {}, faults.map((f) => h('div', { class: 'fault-status', 'data-testid': 'fault-status', 'data-fault': f.name },
    h('h4', {}, `${f.name} `, h('span', { class: 'muted' }, `${f.kind}, fault ${f.id}`)),
    h('table', {}, h('tbody', {}, f.figures.map((fig) => h('tr', { 'data-label': fig.label },
      h('th', {}, fig.label), h('td', {}, fig.text))))))));
}

export async function runPage(main, id) {
  let run = await getJson(`/api/v1/runs/${id}`);
  const header = h('section');
  const live = h('section', { class: 'live hidden', 'data-testid': 'live' });
  const charts = h('div', { class: 'charts' });
  const timeline = h('tbody');
  const checksBox = h('div');
  const faultsBox = h('div');
  main.append(header, live,
    h('section', {}, h('h3', {}, 'Charts'), h('p', { class: 'muted' }, 'Shaded: fault windows. Dashed: tolerance thresholds from the hypothesis.'), charts),
    h('section', {}, h('h3', {}, 'Probe results'), checksBox),
    h('section', {}, h('h3', {}, 'Faults: final status'), h('p', { class: 'muted' }, 'Taken after each fault stopped: whole-run figures.'), faultsBox),
    h('section', {}, h('h3', {}, 'Timeline'), h('table', { class: 'timeline' }, timeline)),
    h('section', {}, h('h3', {}, 'Plugins'), h('ul', {}, (run.plugins || []).map((p) => h('li', {}, `${p.name} ${p.version}`)))),
    h('section', {}, h('h3', {}, 'Experiment source'),
      h('p', { class: 'muted' }, `${run.experiment} · sha256 `, h('code', { 'data-testid': 'sha256' }, run.source_sha256), ` · seed ${run.seed}`),
      h('pre', { class: 'source' }, run.source)));

  const drawHeader = () => {
    header.innerHTML = '';
    header.append(...[
      h('h2', {}, `#${run.id} ${run.title || run.experiment}`),
      h('p', { class: 'desc' }, run.description),
      h('div', { class: 'verdict-line' }, verdictBadge(run.verdict, run.state), ' ', h('span', { 'data-testid': 'reason' }, run.reason)),
      // Faults a killed controller left that are still injected until `chaosctl recover`.
      ...(run.pending_recovery || []).map((p) => h('p', { class: 'pending', 'data-testid': 'pending-recovery' },
        `pending recovery: fault '${p.fault}' (${p.kind}) may still be injected: ${p.reason}`)),
      h('p', { class: 'muted' }, `started ${fmtTime(run.started_unix_ms)} · duration ${run.ended_unix_ms ? fmtMs(run.ended_unix_ms - run.started_unix_ms) : 'running'}` +
        ` · abort latency ${fmtMs(run.abort_latency_ms)} · time to recover ${fmtMs(run.time_to_recover_ms)}`),
      // A standing-proxies record is no run: it ends with its process, not by an abort.
      run.state === 'running' && run.experiment !== '(standing proxies)' ? h('button', { class: 'abort', 'data-testid': 'abort', onclick: () => post(`/api/v1/runs/${run.id}/abort`).catch((e) => alert(e.message)) }, 'Abort this run') : null,
    ].filter(Boolean));
  };
  // Live samples that arrive while the charts are being re-read are kept and appended after, so
  // none falls between the read and the stream (appendPoints drops the overlap).
  let drawn = new Map();
  let refreshing = null;
  let arrivedDuringRefresh = [];
  const appendSamples = (samples) => {
    const bySeries = new Map();
    for (const s of samples) {
      if (!bySeries.has(s.series)) bySeries.set(s.series, []);
      bySeries.get(s.series).push([s.t, s.v]);
    }
    let unknown = false;
    for (const [series, points] of bySeries) {
      const u = drawn.get(series);
      if (u) appendPoints(u, run.started_unix_ms, points); else unknown = true;
    }
    return unknown;
  };
  const refresh = () => {
    refreshing ??= (async () => {
      arrivedDuringRefresh = [];
      try {
        const [{ events, checks, charts: fresh }, { faults }] = await Promise.all([
          runCharts(charts, run), getJson(`/api/v1/runs/${run.id}/faults`)]);
        drawn = fresh;
        faultsBox.replaceChildren(faultsTable(faults));
        timeline.replaceChildren(...events.map((e) => eventRow(e, run.started_unix_ms)));
        checksBox.replaceChildren(checksTable(checks));
        for (const batch of arrivedDuringRefresh) appendSamples(batch);
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  };
  drawHeader();
  await refresh();
  // A standing-proxies record has no live stream: its faults come and go over its own API.
  if (run.state !== 'running' || run.experiment === '(standing proxies)') return null;

  // Live: status line, live values per probe, events as they happen. Charts grow with each
  // batch of stored samples; they are re-read when a fault starts or stops (its window), when a
  // new series appears, and when the run ends.
  live.classList.remove('hidden');
  const statusLine = h('div', { class: 'status-line', 'data-testid': 'live-status' }, 'waiting for the live stream…');
  const values = h('tbody', { 'data-testid': 'live-values' });
  const liveEvents = h('tbody', { 'data-testid': 'live-events' });
  let lastStatus = null;
  live.append(h('h3', {}, 'Live'), statusLine,
    h('table', {}, h('thead', {}, h('tr', {}, ['probe', 'aggregate', 'value', 'expected', 'outcome'].map((c) => h('th', {}, c)))), values),
    h('h4', {}, 'Events as they happen'), h('table', { class: 'timeline' }, liveEvents));
  const liveRows = new Map();
  const tick = setInterval(() => {
    if (!lastStatus) return;
    const elapsed = (Date.now() - lastStatus.received) / 1000;
    const left = lastStatus.remaining_ms != null ? Math.max(0, Math.ceil(lastStatus.remaining_ms / 1000 - elapsed)) : null;
    statusLine.textContent = `phase: ${lastStatus.phase}` + (left != null ? ` · ${left} s of faults left` : '') +
      ` · active faults: ${lastStatus.active_faults}`;
    statusLine.dataset.phase = lastStatus.phase;
  }, 250);
  const stop = onLive(async (type, d) => {
    if (d.run_id !== id) return;
    if (type === 'samples') {
      if (refreshing) arrivedDuringRefresh.push(d.samples);
      else if (appendSamples(d.samples)) refresh().catch(() => {});
    } else if (type === 'status') {
      lastStatus = { ...d, received: Date.now() };
      if (d.done) {
        run = await getJson(`/api/v1/runs/${id}`);
        drawHeader();
        statusLine.textContent = `done: ${run.verdict} — every fault rolled back`;
        statusLine.dataset.phase = 'done';
        await refresh();
      }
    } else if (type === 'event') {
      liveEvents.prepend(eventRow(d, run.started_unix_ms));
      if (/^fault_(start|stop|start_failed)$/.test(d.kind)) refresh().catch(() => {});
    } else if (type === 'live' || type === 'check') {
      for (const r of d.results) {
        const key = `${d.probe}/${r.aggregate}`;
        const row = h('tr', { class: `out-${r.outcome}` }, h('td', {}, d.probe), h('td', {}, r.aggregate),
          h('td', { class: 'num' }, r.value == null ? 'n/a' : Number(r.value).toPrecision(4)), h('td', {}, r.expectation),
          h('td', {}, h('span', { class: `badge o-${r.outcome}` }, r.outcome)));
        if (liveRows.has(key)) liveRows.get(key).replaceWith(row); else values.append(row);
        liveRows.set(key, row);
      }
    }
  });
  // Whatever was stored before the stream was open is read once more; the rest arrives live.
  refresh().catch(() => {});
  return () => { stop(); clearInterval(tick); };
}
