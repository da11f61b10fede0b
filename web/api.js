// The JSON API (/api/v1) and the token. The token lives in sessionStorage (this tab only) and is
// sent as `Authorization: Bearer` on state-changing requests; there are no cookies.
const TOKEN_KEY = 'chaosctl-token';

export async function getJson(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => ({ error: `bad answer from ${path}` }));
  if (!res.ok) throw new Error(body.error || `${res.status} from ${path}`);
  return body;
}

function askToken() {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  input.value = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const token = dialog.returnValue === 'ok' ? input.value.trim() : '';
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      resolve(token);
    }, { once: true });
    dialog.showModal();
  });
}

// POSTs with the token, asking for it once (and again if the server refuses it).
export async function post(path, body) {
  for (let attempt = 0; attempt < 2; attempt++) {
    let token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) token = await askToken();
    if (!token) throw new Error('no token given');
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body ?? {}),
    });
    const answer = await res.json().catch(() => ({}));
    if (res.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      continue;
    }
    if (!res.ok) throw new Error(answer.error || `${res.status} from ${path}`);
    return answer;
  }
  throw new Error('the server refused the token');
}

// One EventSource for the whole page; pages subscribe to its events.
const listeners = new Set();
let source = null;
export function onLive(fn) {
  listeners.add(fn);
  if (!source) {
    source = new EventSource('/api/v1/live');
    for (const type of ['event', 'check', 'live', 'samples', 'status', 'halt', 'halt_done']) {
      source.addEventListener(type, (e) => {
        const data = JSON.parse(e.data);
        for (const l of listeners) l(type, data);
      });
    }
  }
  return () => listeners.delete(fn);
}
