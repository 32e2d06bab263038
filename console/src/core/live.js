// Live values over the server's WebSocket (GET /console/v1/live, docs/api_live.md): one connection for the
// whole console, opened on the first watch and closed when nothing is watched. It reconnects with backoff and
// re-subscribes (a snapshot then brings the page up to date), also after the server reports an overflow.
import { currentSession } from './api.js';

const watchers = new Map();  // "pk/dk" -> Set of {onSnapshot, onPoints, onPresence, onError}
let ws = null;
let ready = false;
let retryMs = 500;
let retryTimer = null;
let closeTimer = null;
const kIdleCloseMs = 5000;

const key = (pk, dk) => pk + '/' + dk;

function send(msg) {
  if (ws && ready) ws.send(JSON.stringify(msg));
}

function each(pk, dk, name, arg) {
  for (const w of watchers.get(key(pk, dk)) || []) if (w[name]) w[name](arg);
}

function resubscribeAll() {
  for (const k of watchers.keys()) {
    const [productKey, deviceKey] = k.split('/');
    send({ type: 'subscribe', productKey, deviceKey });
  }
}

function connect() {
  const s = currentSession();
  clearTimeout(closeTimer);
  if (!s || ws) return;
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/console/v1/live';
  // Each socket's handlers act only while it is the current one: a socket being closed must not clear the
  // state of the one opened after it.
  const sock = new WebSocket(url);
  ws = sock;
  ready = false;
  sock.onopen = () => sock.send(JSON.stringify({ type: 'auth', token: s.token }));
  sock.onmessage = (ev) => {
    if (ws !== sock) return;
    let m;
    try { m = JSON.parse(ev.data); } catch { return; }
    switch (m.type) {
      case 'authenticated':
        ready = true;
        retryMs = 500;
        resubscribeAll();
        break;
      case 'snapshot': each(m.productKey, m.deviceKey, 'onSnapshot', m); break;
      case 'measurepoints': each(m.productKey, m.deviceKey, 'onPoints', m); break;
      case 'presence': each(m.productKey, m.deviceKey, 'onPresence', m); break;
      case 'overflow': resubscribeAll(); break;  // frames were dropped: the snapshots bring every page up to date
      case 'error':
        for (const set of watchers.values()) for (const w of set) if (w.onError) w.onError(m);
        break;
    }
  };
  sock.onclose = () => {
    if (ws !== sock) return;
    ws = null;
    ready = false;
    if (watchers.size && currentSession()) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 15000);
    }
  };
}

// watch(pk, dk, {onSnapshot(m), onPoints(m), onPresence(m), onError(m)}) → stop(). Every watch gets a snapshot
// first, also the second watch of a device already watched (the server re-sends it on a repeated subscribe).
export function watch(productKey, deviceKey, handlers) {
  const k = key(productKey, deviceKey);
  let set = watchers.get(k);
  if (!set) watchers.set(k, (set = new Set()));
  set.add(handlers);
  send({ type: 'subscribe', productKey, deviceKey });
  connect();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    set.delete(handlers);
    if (set.size || watchers.get(k) !== set) return;
    watchers.delete(k);
    send({ type: 'unsubscribe', productKey, deviceKey });
    // Going from one page to the next stops the old page's watches just before the new page starts its own:
    // the socket stays open a moment so that it is not closed and opened again.
    if (!watchers.size) {
      clearTimeout(closeTimer);
      closeTimer = setTimeout(closeIdle, kIdleCloseMs);
    }
  };
}

function closeIdle() {
  if (watchers.size || !ws) return;
  clearTimeout(retryTimer);
  const sock = ws;
  ws = null;
  ready = false;
  sock.close();
}

export function closeAll() {
  watchers.clear();
  clearTimeout(retryTimer);
  clearTimeout(closeTimer);
  const sock = ws;
  ws = null;
  ready = false;
  if (sock) sock.close();
}
