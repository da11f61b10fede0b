// Charts with uPlot (vendored by npm, loaded as the global `uPlot`): one chart per series, the
// fault windows shaded and the tolerance thresholds drawn as dashed lines. The x axis is seconds
// since the run started, as in the timeline, so a chart and an event line up at a glance.

// Tolerance thresholds for a series from its checks' expectations ("<= 300",
// "<= 1.5x baseline (18.3)", "in [1, 5]"). Ratios are on another scale than the series' values,
// so error_ratio bounds are left out.
export function thresholdsFor(series, checks) {
  const out = new Map();
  for (const c of checks) {
    if (c.probe !== series || /ratio/.test(c.aggregate)) continue;
    const e = c.expectation;
    const num = String.raw`(-?[\d.]+(?:e[-+]?\d+)?)`;
    let m;
    const label = (op, v) => `${c.aggregate} ${op} ${v}`;
    const add = (op, v) => {
      const value = Number(v);
      if (Number.isFinite(value) && !out.has(`${op}${value}`)) out.set(`${op}${value}`, { value, label: label(op, value) });
    };
    if ((m = e.match(new RegExp(String.raw`baseline \(${num}\)`)))) add(e.includes('>=') ? '≥' : '≤', m[1]);
    else if ((m = e.match(new RegExp(String.raw`in \[${num}, ${num}\]`)))) { add('≥', m[1]); add('≤', m[2]); }
    else if ((m = e.match(new RegExp(String.raw`<=\s*${num}`)))) add('≤', m[1]);
    else if ((m = e.match(new RegExp(String.raw`>=\s*${num}`)))) add('≥', m[1]);
  }
  return [...out.values()];
}

// [{start, end, label}] in ms from fault_start / fault_stop events (matched by fault id). A fault
// still on has end null: it is drawn to the right edge, and grows with live data.
export function faultWindows(events) {
  const open = new Map();
  const windows = [];
  for (const e of events) {
    const id = e.detail && e.detail.id;
    if (e.kind === 'fault_start' && id != null) open.set(id, { start: e.unix_ms, label: e.detail.name || e.detail.kind });
    if ((e.kind === 'fault_stop' || e.kind === 'fault_start_failed') && open.has(id)) {
      windows.push({ ...open.get(id), end: e.unix_ms });
      open.delete(id);
    }
  }
  for (const w of open.values()) windows.push({ ...w, end: null });
  return windows;
}

const palette = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed'];

// "45s", "2m05s": an offset from the run's start.
export function fmtOffset(seconds) {
  const s = Math.round(seconds * 10) / 10;
  if (Math.abs(s) < 120) return `${s}s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

// Draws a chart into `el`. t: ms timestamps; origin: the run's start (ms), the axis's zero;
// lines: [{label, values}]. Returns the uPlot; appendPoints() adds live data to it.
export function renderChart(el, { title, t, origin, lines, windows = [], thresholds = [], width }) {
  el.innerHTML = '';
  el.classList.add('chart');
  el.dataset.faultWindows = String(windows.length);
  el.dataset.thresholds = String(thresholds.length);
  el.dataset.points = String(t.length);
  const w = width || Math.max(320, el.clientWidth || 600);
  const opts = {
    title,
    width: w,
    height: 220,
    scales: {
      x: { time: false },
      y: {
        range: (u, min, max) => {
          let lo = Math.min(min ?? 0, 0, ...thresholds.map((x) => x.value));
          let hi = Math.max(max ?? 1, ...thresholds.map((x) => x.value));
          if (hi === lo) hi = lo + 1;
          return [lo, hi + (hi - lo) * 0.08];
        },
      },
    },
    series: [{}, ...lines.map((l, i) => ({ label: l.label, stroke: palette[i % palette.length], width: 1.5, spanGaps: false }))],
    axes: [{ values: (u, splits) => splits.map(fmtOffset), label: 'time since the run started' }, { size: 60 }],
    legend: { live: true },
    hooks: {
      // Under the lines: fault windows.
      drawAxes: [(u) => {
        const { ctx } = u;
        const { top, height } = u.bbox;
        ctx.save();
        for (const win of windows) {
          const x0 = u.valToPos((win.start - origin) / 1000, 'x', true);
          const x1 = win.end == null ? u.bbox.left + u.bbox.width
            : u.valToPos((win.end - origin) / 1000, 'x', true);
          ctx.fillStyle = 'rgba(239, 68, 68, 0.14)';
          ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
          ctx.fillStyle = 'rgba(185, 28, 28, 0.9)';
          ctx.font = `${11 * devicePixelRatio}px sans-serif`;
          ctx.fillText(`⚡ ${win.label}`, x0 + 4, top + 14 * devicePixelRatio);
        }
        ctx.restore();
      }],
      // Over the lines: thresholds.
      draw: [(u) => {
        const { ctx } = u;
        const { left, width: bw } = u.bbox;
        ctx.save();
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1.5 * devicePixelRatio;
        ctx.strokeStyle = '#b45309';
        ctx.fillStyle = '#b45309';
        ctx.font = `${11 * devicePixelRatio}px sans-serif`;
        for (const th of thresholds) {
          const y = u.valToPos(th.value, 'y', true);
          ctx.beginPath();
          ctx.moveTo(left, y);
          ctx.lineTo(left + bw, y);
          ctx.stroke();
          ctx.fillText(th.label, left + bw - ctx.measureText(th.label).width - 4, y - 4);
        }
        ctx.restore();
      }],
    },
  };
  const data = [t.map((x) => (x - origin) / 1000), ...lines.map((l) => l.values)];
  return new uPlot(opts, data, el);
}

// Appends [t (ms), value] points newer than the chart's last one to a one-line chart; returns
// how many it took (a live batch can overlap what the chart was drawn from).
export function appendPoints(u, origin, points) {
  const [xs, ys] = u.data;
  let last = xs.length ? xs[xs.length - 1] : -Infinity;
  let taken = 0;
  for (const [t, v] of points) {
    const x = (t - origin) / 1000;
    if (x <= last) continue;
    xs.push(x);
    ys.push(v);
    last = x;
    taken++;
  }
  if (taken) {
    u.setData([xs, ys]);
    u.root.parentElement.dataset.points = String(xs.length);
  }
  return taken;
}
