// Small DOM and formatting helpers.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const fmtTime = (ms) => (ms ? new Date(ms).toLocaleString() : '—');
export function fmtMs(ms) {
  if (ms == null) return '—';
  if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
export const verdictBadge = (v, state) =>
  h('span', { class: `badge v-${v || state}`, 'data-testid': 'verdict' }, v || state);
export function errorBox(err) {
  return h('div', { class: 'error' }, String(err.message || err));
}
