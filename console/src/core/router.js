// Hash routes (#/devices/pk/dk): pages register a pattern and a render function; the router draws the page that
// matches, and runs the previous page's cleanup (close its live stream, timers) before drawing the next.

const routes = [];
let outlet = null;
let cleanup = null;
let fallback = '/devices';

// route('/devices/:productKey/:deviceKey', (el, params, query) => cleanupFn?)
export function route(pattern, render) {
  const names = [];
  const re = new RegExp(
    '^' + pattern.replace(/:(\w+)/g, (m, name) => (names.push(name), '([^/]+)')) + '/?$');
  routes.push({ re, names, render });
}

export function navigate(path) {
  if (location.hash === '#' + path) refresh();
  else location.hash = '#' + path;
}

export function currentPath() {
  return (location.hash.replace(/^#/, '') || fallback).split('?')[0];
}

export function currentQuery() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}

export function refresh() {
  if (!outlet) return;
  if (cleanup) {
    try { cleanup(); } catch (e) { console.error(e); }
    cleanup = null;
  }
  const path = currentPath();
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params = {};
    r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
    outlet.replaceChildren();
    const result = r.render(outlet, params, currentQuery());
    if (typeof result === 'function') cleanup = result;
    for (const fn of listeners) fn(path);
    return;
  }
  navigate(fallback);
}

const listeners = new Set();
export function onRoute(fn) {
  listeners.add(fn);
}

export function start(el, defaultPath) {
  outlet = el;
  fallback = defaultPath;
  window.addEventListener('hashchange', refresh);
  refresh();
}

export function stop() {
  window.removeEventListener('hashchange', refresh);
  if (cleanup) cleanup();
  cleanup = null;
  outlet = null;
}
