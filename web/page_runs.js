// The runs list: filters by experiment and verdict, pages of 25, compare two runs.
import { getJson } from './api.js';
import { h, fmtTime, fmtMs, verdictBadge } from './util.js';
import { startPanel, schedulesPanel } from './page_other.js';

const PAGE = 25;
const VERDICTS = ['', 'passed', 'deviated', 'not_steady', 'aborted', 'errored'];

export async function runsPage(main, params) {
  const experiment = params.get('experiment') || '';
  const verdict = params.get('verdict') || '';
  const offset = Number(params.get('offset') || 0);
  const q = new URLSearchParams({ limit: PAGE, offset });
  if (experiment) q.set('experiment', experiment);
  if (verdict) q.set('verdict', verdict);
  const page = await getJson(`/api/v1/runs?${q}`);

  const go = (changes) => {
    const next = new URLSearchParams({ experiment, verdict, offset, ...changes });
    for (const [k, v] of [...next]) if (!v || v === '0') next.delete(k);
    location.hash = `#/runs?${next}`;
  };
  const expSelect = h('select', { 'data-testid': 'filter-experiment', onchange: (e) => go({ experiment: e.target.value, offset: 0 }) },
    h('option', { value: '' }, 'all experiments'),
    page.experiments.map((p) => h('option', { value: p, selected: p === experiment }, p)));
  const verdictSelect = h('select', { 'data-testid': 'filter-verdict', onchange: (e) => go({ verdict: e.target.value, offset: 0 }) },
    VERDICTS.map((v) => h('option', { value: v, selected: v === verdict }, v || 'all verdicts')));

  const picked = new Set();
  const compareBtn = h('button', { disabled: true, 'data-testid': 'compare', onclick: () => {
    const [a, b] = [...picked];
    location.hash = `#/compare/${a}/${b}`;
  } }, 'Compare 2 selected');
  const rows = page.runs.map((r) => h('tr', { 'data-testid': 'run-row', 'data-run': r.id },
    h('td', {}, h('input', { type: 'checkbox', title: 'select to compare', onchange: (e) => {
      if (e.target.checked) picked.add(r.id); else picked.delete(r.id);
      compareBtn.disabled = picked.size !== 2;
    } })),
    h('td', {}, h('a', { href: `#/runs/${r.id}` }, `#${r.id}`)),
    h('td', {}, h('a', { href: `#/runs/${r.id}` }, r.title || r.experiment), h('div', { class: 'muted' }, r.experiment)),
    h('td', {}, fmtTime(r.started_unix_ms)),
    h('td', {}, r.duration_ms != null ? fmtMs(r.duration_ms) : 'running'),
    h('td', {}, verdictBadge(r.verdict, r.state)),
    h('td', {}, fmtMs(r.abort_latency_ms)),
    h('td', {}, fmtMs(r.time_to_recover_ms))));

  const last = Math.min(offset + PAGE, page.total);
  const schedules = await schedulesPanel();
  main.append(
    await startPanel(),
    ...(schedules ? [schedules] : []),
    h('section', {},
      h('h2', {}, 'Runs'),
      h('div', { class: 'filters' }, expSelect, verdictSelect, compareBtn,
        h('span', { class: 'muted', 'data-testid': 'page-info' }, page.total ? `${offset + 1}–${last} of ${page.total}` : 'no runs'),
        h('button', { disabled: offset === 0, onclick: () => go({ offset: Math.max(0, offset - PAGE) }) }, '← newer'),
        h('button', { disabled: last >= page.total, onclick: () => go({ offset: offset + PAGE }) }, 'older →')),
      h('table', { class: 'runs' },
        h('thead', {}, h('tr', {}, ['', 'run', 'experiment', 'started', 'duration', 'verdict', 'abort latency', 'time to recover'].map((c) => h('th', {}, c)))),
        h('tbody', {}, rows))));
}
