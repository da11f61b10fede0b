// The UI's shell: a hash router, the always-visible halt button and the live status of runs.
import { onLive, post } from './api.js';
import { h, fmtMs } from './util.js';
import { runsPage } from './page_runs.js';
import { runPage } from './page_run.js';
import { experimentsPage, pluginsPage, comparePage } from './page_other.js';

const main = document.getElementById('main');
let cleanup = null;

async function route() {
  if (cleanup) cleanup();
  cleanup = null;
  const hash = location.hash.slice(1) || '/runs';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean);
  main.innerHTML = '';
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('on', hash.startsWith(a.getAttribute('href').slice(1))));
  try {
    if (parts[0] === 'runs' && parts[1]) cleanup = await runPage(main, Number(parts[1]));
    else if (parts[0] === 'experiments') cleanup = await experimentsPage(main);
    else if (parts[0] === 'plugins') cleanup = await pluginsPage(main);
    else if (parts[0] === 'compare') cleanup = await comparePage(main, Number(parts[1]), Number(parts[2]));
    else cleanup = await runsPage(main, params);
  } catch (err) {
    main.append(h('div', { class: 'error' }, String(err.message || err)));
  }
}
window.addEventListener('hashchange', route);
route();

// Active runs in the header, from the live stream.
const active = new Map();
const activeEl = document.getElementById('active-runs');
function showActive() {
  activeEl.innerHTML = '';
  for (const s of active.values()) {
    const left = s.remaining_ms != null ? `, ${Math.ceil(s.remaining_ms / 1000)} s left` : '';
    activeEl.append(h('a', { href: `#/runs/${s.run_id}`, class: `pill phase-${s.phase}` }, `● run ${s.run_id} ${s.phase}${left}`));
  }
}
onLive((type, data) => {
  if (type === 'status') {
    if (data.done) active.delete(data.run_id);
    else active.set(data.run_id, data);
    showActive();
  }
  if (type === 'halt') showBanner(`Halting: aborting ${data.runs.length} run(s) and rolling back every fault…`, 'busy');
  if (type === 'halt_done') {
    showBanner(`Halt complete: rollback completed for ${data.runs.length} run(s) in ${fmtMs(data.ms)} ` +
               `(at ${new Date(data.done_unix_ms).toLocaleTimeString()}).`, 'done');
  }
});

const banner = document.getElementById('halt-banner');
function showBanner(text, kind) {
  banner.textContent = text;
  banner.className = `banner ${kind}`;
  banner.dataset.state = kind;
}

document.getElementById('halt').addEventListener('click', async () => {
  try {
    showBanner('Halting…', 'busy');
    const answer = await post('/api/v1/halt');
    if (!answer.halting.length) showBanner('Halt: nothing was running.', 'done');
  } catch (err) {
    showBanner(`Halt failed: ${err.message}`, 'error');
  }
});
