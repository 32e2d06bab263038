// What the browser tests share: the real `gridhub serve` in a fresh data dir, the admin's API client, Debian's
// chromium driven by playwright-core, screenshots saved as test artifacts, and a small sequential test runner.
//
// Environment: GRIDHUB_BIN (the server), GRIDHUB_SOURCE_DIR (the tree), ARTIFACTS_DIR (screenshots; default
// <cwd>/browser-artifacts), CHROMIUM (default /usr/bin/chromium), GRIDHUB_CONSOLE_DIR (optional: serve the
// console's files from this directory through the browser instead of the server's embedded copy, for working
// on the front end without relinking).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const sourceDir = process.env.GRIDHUB_SOURCE_DIR || new URL('../..', import.meta.url).pathname;
const { chromium } = require(join(sourceDir, 'console/node_modules/playwright-core'));

export const artifactsDir = process.env.ARTIFACTS_DIR || join(process.cwd(), 'browser-artifacts');

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// A running server: {httpPort, mqttPort, url, admin: {token,...}, demo, dataDir, log(), stop()}.
export async function startServer({ demo = true, args = [] } = {}) {
  const bin = process.env.GRIDHUB_BIN;
  if (!bin) throw new Error('GRIDHUB_BIN is not set');
  const dataDir = mkdtempSync(join(tmpdir(), 'gridhub-browser-'));
  const argv = ['serve', '--data-dir', dataDir, '--bind', '127.0.0.1', '--mqtt-port', '0', '--http-port', '0',
    '--tls-port', '0', ...(demo ? ['--demo'] : []), ...args];
  const proc = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  let out = '';
  proc.stderr.on('data', (d) => (log += d));
  proc.stdout.on('data', (d) => (out += d));
  const deadline = Date.now() + 30000;
  let httpPort, mqttPort;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error('gridhub exited early:\n' + log);
    const h = /HTTP listening on [^ ]+:(\d+)/.exec(log);
    const m = /MQTT listening on [^ ]+:(\d+)/.exec(log);
    if (h && m && existsSync(join(dataDir, 'admin.json')) && (!demo || existsSync(join(dataDir, 'demo.json')))) {
      httpPort = Number(h[1]);
      mqttPort = Number(m[1]);
      try {
        if ((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).ok) break;
      } catch { /* not yet */ }
    }
    await sleep(50);
  }
  if (!httpPort) throw new Error('gridhub did not start:\n' + log);
  const admin = JSON.parse(readFileSync(join(dataDir, 'admin.json'), 'utf8'));
  const demoInfo = demo ? JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) : null;
  const server = {
    proc, dataDir, httpPort, mqttPort, admin, demo: demoInfo,
    url: `http://127.0.0.1:${httpPort}`,
    log: () => log,
    banner: () => out,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

// The API as the admin (or with `token`): the envelope's data; throws with the API's code and message.
export async function api(server, path, action, body, { token, query = {}, method } = {}) {
  const qs = new URLSearchParams({ ...(action ? { action } : {}), ...query }).toString();
  const m = method || (body === undefined ? 'GET' : 'POST');
  const res = await fetch(`${server.url}${path}${qs ? '?' + qs : ''}`, {
    method: m,
    headers: { Authorization: 'Bearer ' + (token || server.admin.token), 'Content-Type': 'application/json' },
    body: m === 'POST' ? (typeof body === 'string' ? body : JSON.stringify(body ?? {})) : undefined,
  });
  const json = await res.json().catch(() => null);
  if (!res.ok || (json && json.code !== 0 && json.code !== undefined)) {
    throw new Error(`${path}?${qs}: HTTP ${res.status} ${JSON.stringify(json)}`);
  }
  return json;
}

// A console user with a password; the API hashes it with Argon2id (about 0.1 s).
export async function createUser(server, username, password, role) {
  await api(server, '/iam-service/v2.1/users', 'create', { username, password, role });
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // LocalNetworkAccessChecks: a page fulfilled by page.route (GRIDHUB_CONSOLE_DIR) counts as public, and
    // Chromium would then refuse its WebSocket to 127.0.0.1.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-features=LocalNetworkAccessChecks'],
  });
}

const kTypes = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

// A page of the console. With GRIDHUB_CONSOLE_DIR the console's own files come from that directory (the API
// and the live WebSocket still go to the server).
export async function newPage(browser, server, { viewport = { width: 1440, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport, locale: 'en-US' });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  // Chromium logs every 4xx answer as a console error; the API answers refusals that way on purpose (the page
  // shows them), so those lines are not errors of the page. Everything else logged as an error is.
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
    page.errors.push('console: ' + m.text());
  });
  const dir = process.env.GRIDHUB_CONSOLE_DIR;
  if (dir) {
    const serve = (name) => (route) => route.fulfill({
      status: 200, contentType: kTypes[extname(name)], body: readFileSync(join(dir, name)),
    });
    await page.route(`${server.url}/`, serve('index.html'));
    await page.route(`${server.url}/index.html`, serve('index.html'));
    await page.route(`${server.url}/favicon.svg`, serve('favicon.svg'));
    await page.route(`${server.url}/assets/app.js`, serve('assets/app.js'));
    await page.route(`${server.url}/assets/app.css`, serve('assets/app.css'));
  }
  return page;
}

export async function login(page, server, username, password) {
  await page.goto(server.url + '/');
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('form.login-card button[type=submit]');
  await page.waitForSelector('nav.sidebar');
}

export async function screenshot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, name + '.png');
  await page.screenshot({ path, fullPage: true });
  return path;
}

// Polls `fn` every 100 ms until it returns something truthy (returned) or `ms` pass (throws, naming `what`).
export async function waitFor(fn, ms, what) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last})`);
}

// test('name', async () => {...}); await run(): runs them in order, prints each result, exits 1 on a failure.
const tests = [];
export function test(name, fn) {
  tests.push({ name, fn });
}

export function check(cond, message) {
  if (!cond) throw new Error('check failed: ' + message);
}

export async function run() {
  const only = process.env.ONLY;
  let failed = 0;
  for (const { name, fn } of tests) {
    if (only && !name.includes(only)) continue;
    const t0 = Date.now();
    try {
      await fn();
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name} (${Date.now() - t0} ms)\n${e.stack || e}`);
    }
  }
  console.log(failed ? `${failed} failed` : 'all passed');
  process.exitCode = failed ? 1 : 0;
}
