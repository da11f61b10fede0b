// Experiments (start one), schedules, plugins, and two runs side by side.
import { getJson, post } from './api.js';
import { h, fmtMs, fmtTime, verdictBadge, errorBox } from './util.js';
import { runCharts } from './page_run.js';

export async function startPanel() {
  const { experiments } = await getJson('/api/v1/experiments');
  const msg = h('div', { class: 'muted', 'data-testid': 'start-message' });
  return h('section', { class: 'start' },
    h('h2', {}, 'Experiments'),
    h('table', {}, h('tbody', {}, experiments.map((e) => h('tr', { 'data-testid': 'experiment-row', 'data-path': e.path },
      h('td', {}, h('b', {}, e.title || e.path), h('div', { class: 'muted' }, e.path)),
      h('td', {}, e.error ? h('span', { class: 'error' }, e.error)
        : `${(e.faults || []).map((f) => f.kind).join(', ') || 'no faults'} · method ${fmtMs(e.method_length_ms)}`),
      h('td', {}, h('button', { class: 'start-btn', disabled: !!e.error, 'data-testid': 'start', onclick: async (ev) => {
        ev.target.disabled = true;
        try {
          const { run_id } = await post('/api/v1/runs', { experiment: e.path });
          location.hash = `#/runs/${run_id}`;
        } catch (err) {
          msg.textContent = `Could not start ${e.path}: ${err.message}`;
          ev.target.disabled = false;
        }
      } }, 'Start')))))),
    msg);
}

// The schedules the server was started with (--schedule, --schedule-file): when each fires next
// (in its own zone, and whether a blackout window will refuse it), what its last firing did,
// its latest refused start; then the blackout windows and the latest refused starts from
// schedules and the API alike. Nothing when there is none of these.
export async function schedulesPanel() {
  const { schedules, blackouts = [], refusals = [] } = await getJson('/api/v1/schedules');
  if (!schedules.length && !blackouts.length && !refusals.length) return null;
  const last = (s) => {
    if (!s.last_fired_unix_ms) return 'not yet';
    if (s.last_run_id) return h('span', {}, `${fmtTime(s.last_fired_unix_ms)}: `, h('a', { href: `#/runs/${s.last_run_id}` }, `run #${s.last_run_id}`));
    // A refused firing's reason is in the next column already.
    const latest = (s.refusals || [])[0];
    if (latest && latest.message === s.last_skip_reason) return h('span', { class: 'error' }, `${fmtTime(s.last_fired_unix_ms)}: refused →`);
    return h('span', { class: 'error' }, `${fmtTime(s.last_fired_unix_ms)}: skipped — ${s.last_skip_reason}`);
  };
  const next = (s) => {
    if (!s.next_unix_ms) return 'never';
    return h('span', {}, s.next_local || fmtTime(s.next_unix_ms),
      s.next_in_blackout ? h('div', { class: 'error', 'data-testid': 'schedule-next-blackout' }, `inside blackout ${s.next_in_blackout}: will be refused`) : null);
  };
  const refused = (s) => {
    const r = (s.refusals || [])[0];
    if (!r) return h('span', { class: 'muted' }, 'none');
    return h('span', { 'data-testid': 'schedule-refusal' },
      h('span', { class: 'error' }, `${fmtTime(r.unix_ms)}: ${r.message}`),
      s.refusals_total > 1 ? h('div', { class: 'muted' }, `${s.refusals_total} refused in all`) : null);
  };
  const occurrence = (b) => {
    const o = b.current_or_next;
    if (!o) return h('span', { class: 'muted' }, 'over');
    return b.in_force ? h('span', { class: 'error' }, `in force until ${o.end_local}`) : `next ${o.start_local} to ${o.end_local}`;
  };
  return h('section', { class: 'schedules' },
    h('h2', {}, 'Schedules'),
    schedules.length ? h('table', {},
      h('thead', {}, h('tr', {}, ['cron', 'zone', 'experiment', 'next', 'last firing', 'last refused', 'runs started', 'skipped'].map((c) => h('th', {}, c)))),
      h('tbody', {}, schedules.map((s) => h('tr', { 'data-testid': 'schedule-row' },
        h('td', {}, h('code', {}, s.cron)), h('td', {}, s.timezone || 'UTC'), h('td', {}, s.experiment),
        h('td', {}, next(s)), h('td', {}, last(s)), h('td', {}, refused(s)),
        h('td', { class: 'num' }, s.runs_started), h('td', { class: 'num' }, s.firings_skipped))))) : null,
    blackouts.length ? h('div', {},
      h('h3', {}, 'Blackout windows: no run starts inside one'),
      h('table', {}, h('tbody', {}, blackouts.map((b) => h('tr', { 'data-testid': 'blackout-row', 'data-in-force': b.in_force ? 'yes' : 'no' },
        h('td', {}, h('code', {}, b.window)), h('td', {}, occurrence(b))))))) : null,
    refusals.length ? h('div', {},
      h('h3', {}, 'Refused starts'),
      h('table', {}, h('tbody', {}, refusals.map((r) => h('tr', { 'data-testid': 'refusal-row' },
        h('td', {}, fmtTime(r.unix_ms)),
        h('td', {}, r.origin === 'schedule' ? h('code', {}, r.schedule) : 'API'),
        h('td', {}, r.experiment), h('td', { class: 'error' }, r.message)))))) : null);
}

export async function experimentsPage(main) {
  main.append(await startPanel());
  const schedules = await schedulesPanel();
  if (schedules) main.append(schedules);
}

export async function pluginsPage(main) {
  const { plugins } = await getJson('/api/v1/plugins');
  main.append(h('h2', {}, 'Plugins'), ...plugins.map((p) => h('section', { class: 'plugin', 'data-testid': 'plugin' },
    h('h3', {}, `${p.name} `, h('span', { class: 'muted' }, `v${p.version} · ABI ${p.abi}`)),
    h('p', {}, p.description), h('div', { class: 'muted' }, p.path),
    p.kinds.map((k) => {
      const props = (k.params_schema && k.params_schema.properties) || {};
      const required = new Set((k.params_schema && k.params_schema.required) || []);
      return h('div', { class: 'kind' },
        h('h4', {}, k.name, k.has_recover ? h('span', { class: 'muted' }, ' (recovers after a crash)') : null),
        h('p', {}, k.summary),
        h('table', {}, h('thead', {}, h('tr', {}, ['parameter', 'type', 'default', 'description'].map((c) => h('th', {}, c)))),
          h('tbody', {}, Object.entries(props).map(([name, s]) => h('tr', {},
            h('td', {}, h('code', {}, name), required.has(name) ? ' *' : ''),
            h('td', {}, [].concat(s.type || (s.enum ? 'enum' : '')).join(' | ')),
            h('td', {}, s.default !== undefined ? JSON.stringify(s.default) : ''),
            h('td', {}, s.description || ''))))));
    }))));
}

export async function comparePage(main, a, b) {
  if (!a || !b) throw new Error('compare needs two run ids: #/compare/A/B');
  const grid = h('div', { class: 'compare' });
  main.append(h('h2', {}, `Run #${a} and run #${b}`), grid);
  for (const id of [a, b]) {
    const col = h('div', { class: 'col', 'data-testid': 'compare-col' });
    grid.append(col);
    try {
      const run = await getJson(`/api/v1/runs/${id}`);
      col.append(h('h3', {}, h('a', { href: `#/runs/${id}` }, `#${id} ${run.title}`)),
        h('p', {}, verdictBadge(run.verdict, run.state), ' ', run.reason),
        h('p', { class: 'muted' }, `abort latency ${fmtMs(run.abort_latency_ms)} · time to recover ${fmtMs(run.time_to_recover_ms)} · source ${run.source_sha256.slice(0, 12)}`));
      const charts = h('div');
      col.append(charts);
      await runCharts(charts, run, Math.floor((window.innerWidth - 80) / 2));
    } catch (err) {
      col.append(errorBox(err));
    }
  }
}
