// The console's only way to the server: the public REST API (EnOS envelopes), with the console session's token.
// A 401 ends the session and shows the login page; every other error is an ApiError with the API's code.

const kTokenKey = 'gridhub.session';
let session = null;  // {token, expire, user: {username, role, orgId}, canWrite}
const logoutListeners = new Set();

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

export function currentSession() {
  return session;
}

export function canWrite() {
  return !!(session && session.canWrite);
}

export function onLogout(fn) {
  logoutListeners.add(fn);
}

function qs(query) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== undefined && v !== null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? '?' + s : '';
}

// call('/connect-service/v2.1/devices', {action: 'search', body: {...}}) → the whole envelope ({code, data, ...}).
// GET when there is no body and the action is a read (get, export, list, metadata), POST otherwise.
export async function call(path, { action, query = {}, body, method, raw = false, auth = true } = {}) {
  const m = method || (body === undefined && /^(get|export|list|metadata)$/.test(action || '') ? 'GET' : 'POST');
  const headers = {};
  if (auth && session) headers.Authorization = 'Bearer ' + session.token;
  let payload;
  if (m === 'POST') {
    headers['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body ?? {});
  }
  let res;
  try {
    res = await fetch(path + qs({ action, ...query }), { method: m, headers, body: payload });
  } catch (e) {
    throw new ApiError(0, -1, 'network error: ' + e.message);
  }
  const text = await res.text();
  if (raw && res.ok) return text;
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON: reported below */
  }
  if (res.status === 401 && auth) {
    endSession();
    throw new ApiError(401, json?.code ?? 401, json?.msg || 'session expired');
  }
  const code = json?.code ?? json?.status;
  if (!res.ok || (typeof code === 'number' && code !== 0)) {
    throw new ApiError(res.status, code ?? res.status, json?.msg || text.slice(0, 200) || `HTTP ${res.status}`);
  }
  return json;
}

// The data of a call (envelope.data).
export async function get(path, opts) {
  return (await call(path, opts)).data;
}

// A paged search: {items, total}. pageNo starts at 1 (EnOS).
export async function search(path, body = {}, { pageNo = 1, pageSize = 20, query } = {}) {
  const env = await call(path, { action: 'search', query, body: { ...body, pagination: { pageNo, pageSize } } });
  return { items: env.data || [], total: env.pagination?.totalSize ?? (env.data || []).length };
}

// Every page of a search (for pickers over small sets: models, products, groups). Stops at `limit` items.
export async function searchAll(path, body = {}, { limit = 10000, query } = {}) {
  const items = [];
  for (let pageNo = 1; items.length < limit; pageNo++) {
    const page = await search(path, body, { pageNo, pageSize: 100, query });
    items.push(...page.items);
    if (page.items.length < 100 || items.length >= page.total) break;
  }
  return items;
}

export async function login(username, password) {
  const env = await call('/iam-service/v2.1/sessions', { action: 'login', body: { username, password }, auth: false });
  const d = env.data;
  session = { token: d.sessionToken, expire: d.expire, user: d.user, canWrite: d.user.role !== 'viewer' };
  const who = await get('/iam-service/v2.1/sessions', { action: 'get' });
  session.canWrite = !!who.canWrite;
  localStorage.setItem(kTokenKey, JSON.stringify(session));
  return session;
}

// Restores a saved session if the server still knows it.
export async function resume() {
  const saved = localStorage.getItem(kTokenKey);
  if (!saved) return null;
  try {
    session = JSON.parse(saved);
    if (!session?.token || (session.expire && session.expire < Date.now())) throw new Error('expired');
    const who = await get('/iam-service/v2.1/sessions', { action: 'get' });
    session.user = { ...session.user, username: who.username, role: who.role, orgId: who.orgId };
    session.canWrite = !!who.canWrite;
    return session;
  } catch {
    session = null;
    localStorage.removeItem(kTokenKey);
    return null;
  }
}

export async function logout() {
  try {
    if (session) await call('/iam-service/v2.1/sessions', { action: 'logout', body: {} });
  } catch {
    /* the session ends here whatever the server says */
  }
  endSession();
}

function endSession() {
  const had = session !== null;
  session = null;
  localStorage.removeItem(kTokenKey);
  if (had) for (const fn of logoutListeners) fn();
}
