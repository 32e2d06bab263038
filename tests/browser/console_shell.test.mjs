// The console's frame, as a browser sees it: only the login page without a session, login errors, the session
// surviving a reload and ending at logout (the token is dead afterwards), and the language choice remembered.
import * as L from './lib.mjs';

const server = await L.startServer();
const browser = await L.launchBrowser();
await L.createUser(server, 'olga', 'correct-horse-1', 'admin');
await L.createUser(server, 'victor', 'viewer-pass-1', 'viewer');

L.test('a logged-out browser sees only the login page, whatever the address', async () => {
  const page = await L.newPage(browser, server);
  for (const path of ['/', '/#/devices', '/#/models', '/#/insight', '/#/devices/x/y']) {
    await page.goto(server.url + path);
    await page.waitForSelector('#login-username');
    L.check(await page.locator('nav.sidebar').count() === 0, `no menu on ${path}`);
    L.check(await page.locator('main.content').count() === 0, `no page content on ${path}`);
  }
  await L.screenshot(page, 'login');
  L.check(page.errors.length === 0, 'no page errors: ' + page.errors.join('; '));
  await page.context().close();
});

L.test('a wrong password is refused with a message and the form stays', async () => {
  const page = await L.newPage(browser, server);
  await page.goto(server.url + '/');
  await page.fill('#login-username', 'olga');
  await page.fill('#login-password', 'wrong-password');
  await page.click('form.login-card button[type=submit]');
  await page.waitForSelector('.login-card .form-error:not(:empty)');
  const text = await page.textContent('.login-card .form-error');
  L.check(/Login failed/.test(text), 'error shown: ' + text);
  L.check(await page.locator('nav.sidebar').count() === 0, 'still logged out');
  L.check(await page.evaluate(() => localStorage.getItem('gridhub.session')) === null, 'no session kept');
  await L.screenshot(page, 'login-failed');
  await page.context().close();
});

L.test('a session survives a reload and logout kills its token', async () => {
  const page = await L.newPage(browser, server);
  await L.login(page, server, 'olga', 'correct-horse-1');
  const user = await page.textContent('.topbar .user');
  L.check(user.includes('olga'), 'user shown: ' + user);
  const org = await page.textContent('.topbar .org');
  L.check(org.includes(server.admin.orgId), `OU shown: ${org}`);
  await page.reload();
  await page.waitForSelector('nav.sidebar');
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('gridhub.session')).token);
  const who = await fetch(`${server.url}/iam-service/v2.1/sessions?action=get`, { headers: { Authorization: 'Bearer ' + token } });
  L.check(who.status === 200, 'token valid while logged in');
  await page.click('.topbar button.logout');
  await page.waitForSelector('#login-username');
  const after = await fetch(`${server.url}/iam-service/v2.1/sessions?action=get`, { headers: { Authorization: 'Bearer ' + token } });
  L.check(after.status === 401, 'token refused after logout: ' + after.status);
  await page.reload();
  await page.waitForSelector('#login-username');
  L.check(page.errors.length === 0, 'no page errors: ' + page.errors.join('; '));
  await page.context().close();
});

L.test('the language choice applies at once and is remembered', async () => {
  const page = await L.newPage(browser, server);
  await L.login(page, server, 'victor', 'viewer-pass-1');
  L.check((await page.textContent('nav.sidebar')).includes('Devices'), 'English first (browser locale en-US)');
  await page.click('.topbar button.lang');
  await page.waitForFunction(() => document.querySelector('nav.sidebar')?.textContent.includes('设备资产'));
  L.check(await page.evaluate(() => document.documentElement.lang) === 'zh-CN', 'html lang follows');
  await L.screenshot(page, 'chinese');
  await page.reload();
  await page.waitForSelector('nav.sidebar');
  L.check((await page.textContent('nav.sidebar')).includes('时序洞察'), 'still Chinese after reload');
  await page.click('.topbar button.logout');
  await page.waitForSelector('#login-username');
  L.check((await page.textContent('.login-card')).includes('登录'), 'the login page is Chinese too');
  await page.click('.login-card button.lang');
  L.check((await page.textContent('.login-card')).includes('Log in'), 'back to English');
  await page.context().close();
});

L.test('the console is served by gridhub itself, with its security headers', async () => {
  const res = await fetch(server.url + '/');
  L.check(res.status === 200, 'GET / answers 200');
  L.check((await res.text()).includes('<div id="app">'), 'the page');
  const csp = res.headers.get('content-security-policy') || '';
  L.check(csp.includes("default-src 'self'"), 'CSP: ' + csp);
  L.check(res.headers.get('x-frame-options') === 'DENY', 'framing refused');
  for (const asset of ['/assets/app.js', '/assets/app.css', '/favicon.svg']) {
    const a = await fetch(server.url + asset);
    L.check(a.status === 200 && (await a.arrayBuffer()).byteLength > 0, asset + ' served');
  }
});

await L.run();
await browser.close();
await server.stop();
