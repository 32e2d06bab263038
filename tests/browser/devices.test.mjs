// The Devices pages as a person uses them: create a device and see its secret once, watch the lab's device come
// online and its measure points move, invoke high_frequency_report_service from the Commands tab, disable and
// enable, a viewer who can change nothing, and a list of 10,000 devices that filters without freezing.
//
// Run: GRIDHUB_BIN=build/gridhub GRIDHUB_SOURCE_DIR=. [SMART_BATTERY=build/smart_battery] node tests/browser/devices.test.mjs
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, createUser, launchBrowser, newPage, login, screenshot, test, check, run, sleep, sourceDir, waitFor }
  from './lib.mjs';

const kDevices = '/connect-service/v2.1/devices';
const kPerfDevices = 10000;  // kMaxDevicesPerProduct: exactly one full product
const smartBattery = process.env.SMART_BATTERY ||
  join(process.env.GRIDHUB_BIN ? join(process.env.GRIDHUB_BIN, '..') : join(sourceDir, 'build'), 'smart_battery');

const server = await startServer();
const browser = await launchBrowser();
const demo = server.demo;
let battery = null;
let page = null;
let created = null;  // the device made through the form

async function adminPage() {
  if (page) return page;
  await createUser(server, 'alice', 'alice-password-1', 'admin');
  page = await newPage(browser, server);
  await login(page, server, 'alice', 'alice-password-1');
  return page;
}

function noErrors(p) {
  check(p.errors.length === 0, 'no page errors: ' + p.errors.join('\n'));
}

const text = (p, sel) => p.locator(sel).first().innerText();
const rowOf = (p, deviceKey) => p.locator(`table.grid tbody tr[data-device-key="${deviceKey}"]`);

test('the list shows the demo device and the counters', async () => {
  const p = await adminPage();
  await p.goto(server.url + '/#/devices');
  await p.waitForSelector(`tr[data-device-key="${demo.deviceKey}"]`);
  await waitFor(async () => (await text(p, '[data-counter=total] .n')) === '1', 5000, 'total 1');
  check((await text(p, '[data-counter=activated] .n')) === '0', 'the demo device was never online: 0 activated');
  check((await text(p, '[data-counter=online] .n')) === '0', '0 online');
  const row = rowOf(p, demo.deviceKey);
  check((await row.innerText()).includes(demo.assetId), 'the row shows the asset ID');
  check((await row.innerText()).includes('Smartbattery_Product'), 'the row shows the product name');
  check((await row.locator('.badge').innerText()) === 'Inactive', 'status Inactive');
  await screenshot(p, 'devices-list');
  noErrors(p);
});

test('New device: bad input is refused in the form, then the secret is shown once', async () => {
  const p = await adminPage();
  await p.click('button.dev-new');
  const dialog = p.locator('.modal');
  await dialog.waitFor();
  await dialog.locator('select[name=productKey]').selectOption(demo.productKey);
  await dialog.locator('input[name=nameEn]').fill('Battery two');
  await dialog.locator('input[name=nameZh]').fill('电池二号');
  // A device key of 3 characters is one short of the minimum (4): refused before anything is sent.
  await dialog.locator('input[name=deviceKey]').fill('abc');
  await dialog.locator('button.primary').click();
  await waitFor(async () => (await dialog.locator('.form-error').innerText()).includes('4–64'), 3000, 'key error');
  const before = (await api(server, kDevices, 'search', { pagination: { pageNo: 1, pageSize: 1 } })).pagination.totalSize;
  check(before === 1, 'nothing was created');
  // 4 characters is allowed; an existing key is refused by the server and the dialog keeps what was typed.
  await dialog.locator('input[name=deviceKey]').fill(demo.deviceKey);
  await dialog.locator('button.primary').click();
  await waitFor(async () => (await dialog.locator('.form-error').innerText()).includes('already exists'), 3000, 'duplicate');
  check((await dialog.locator('input[name=nameEn]').inputValue()) === 'Battery two', 'the form kept the name');
  check(p.errors.length === 0, 'no page errors: ' + p.errors.join('\n'));
  await dialog.locator('input[name=deviceKey]').fill('bat2');
  await dialog.locator('select[name=timezone]').selectOption('Europe/Berlin');
  check(await dialog.locator('input[name=dst]').isChecked(), 'a city observes DST by default');
  await dialog.locator('button.primary').click();
  const shown = p.locator('.modal .dev-created');
  await shown.waitFor();
  const values = await shown.locator('code').allInnerTexts();
  await screenshot(p, 'devices-created-secret');
  const d = (await api(server, kDevices, 'get', undefined, { query: { productKey: demo.productKey, deviceKey: 'bat2' } })).data;
  check(values.includes(d.deviceSecret) && d.deviceSecret.length > 8, 'the secret on screen is the device\'s secret');
  check(values.includes(d.assetId) && values.includes('bat2') && values.includes(demo.productKey), 'keys shown');
  check(d.timezone === 'Europe/Berlin' && d.dst === true, 'time zone and DST saved');
  check(d.deviceName.defaultValue === 'Battery two' && d.deviceName.i18nValue.zh_CN === '电池二号', 'i18n name saved');
  created = d;
  await p.locator('.modal-actions button.primary').click();
  await rowOf(p, 'bat2').waitFor();
  await waitFor(async () => (await text(p, '[data-counter=total] .n')) === '2', 5000, 'total 2');
  // Shown once: the list has no secret, and the dialog is gone.
  check(!(await p.locator('main').innerText()).includes(d.deviceSecret), 'the secret is not on the list');
  noErrors(p);
});

test('the lab device turns Online on the list without reloading', async () => {
  const p = await adminPage();
  check(await rowOf(p, demo.deviceKey).isVisible(), 'list open');
  battery = spawn(smartBattery, ['--demo-file', join(server.dataDir, 'demo.json'), '--url', `tcp://127.0.0.1:${server.mqttPort}`],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  battery.log = '';
  battery.stdout.on('data', (b) => (battery.log += b));
  battery.stderr.on('data', (b) => (battery.log += b));
  await waitFor(async () => (await rowOf(p, demo.deviceKey).locator('.badge').innerText()) === 'Online', 10000, 'Online badge');
  await waitFor(async () => (await text(p, '[data-counter=online] .n')) === '1', 5000, 'online counter 1');
  check((await text(p, '[data-counter=activated] .n')) === '1', 'activated 1');
  await screenshot(p, 'devices-list-online');
  noErrors(p);
});

test('detail: header, basic information and attributes', async () => {
  const p = await adminPage();
  await rowOf(p, demo.deviceKey).locator('a.dev-view').click();
  await p.waitForSelector('.dev-header');
  const header = await p.locator('.dev-header').innerText();
  check(header.includes('Smartbattery_Device') && header.includes(demo.productKey) && header.includes(demo.deviceKey), 'keys');
  check((await p.locator('.dev-header .dev-model-link').innerText()) === 'Smartbattery_Model', 'model link');
  check(!header.includes(demo.deviceSecret), 'the secret is masked');
  await p.locator('.dev-header .secret .reveal').click();
  check((await p.locator('.dev-header .secret-text').innerText()) === demo.deviceSecret, 'the eye reveals the secret');
  await waitFor(async () => (await p.locator('.dev-header .badge').innerText()) === 'Online', 5000, 'header Online');
  const info = await p.locator('.tab-panel').innerText();
  check(info.includes(demo.assetId) && info.includes('UTC+08:00'), 'basic information: asset ID and time zone');
  await screenshot(p, 'device-basic');
  await p.click('button.tab[data-tab=attributes]');
  const cap = p.locator('tr[data-attr=Capacity]');
  await cap.waitFor();
  check((await cap.innerText()).includes('Electric Charge: ampere hour | Ah'), 'attribute unit as Category: name | symbol');
  check((await cap.locator('.dev-attr-value').innerText()).startsWith('5000'), 'model default shown');
  await screenshot(p, 'device-attributes');
  noErrors(p);
});

test('measure points update in place and equal queryLatest', async () => {
  const p = await adminPage();
  await p.click('button.tab[data-tab=points]');
  const temp = p.locator('tr[data-point=temp]');
  await temp.waitFor();
  check((await temp.innerText()).includes('Temperature: degree Celsius | °C'), 'unit of temp');
  const first = await waitFor(async () => {
    const v = await temp.locator('.dev-point-value').innerText();
    return v !== '-' && v;
  }, 5000, 'a temp value');
  const t0 = Date.now();
  await waitFor(async () => (await temp.locator('.dev-point-value').innerText()) !== first, 5000, 'temp changes');
  console.log(`     temp changed on screen ${Date.now() - t0} ms after the first value (device posts every second)`);
  // The screen and the API agree once both saw the same post: compare when the times match.
  await waitFor(async () => {
    const shot = await p.$$eval('tr[data-point]', (rows) => rows.map((r) => [r.dataset.point,
      r.querySelector('.dev-point-value').textContent, r.querySelector('.dev-point-time').textContent]));
    const latest = (await api(server, '/connect-service/v2.1/measurepoints', 'queryLatest', {},
      { query: { productKey: demo.productKey, deviceKey: demo.deviceKey } })).data;
    const byId = new Map(latest.map((x) => [x.measurepointId, x]));
    const screenTemp = shot.find((r) => r[0] === 'temp');
    const apiTemp = byId.get('temp');
    const fmt = (ms) => {
      const d = new Date(ms);
      const z = (n, w = 2) => String(n).padStart(w, '0');
      return `${d.getFullYear()}-${z(d.getMonth() + 1)}-${z(d.getDate())} ${z(d.getHours())}:${z(d.getMinutes())}:${z(d.getSeconds())}.${z(d.getMilliseconds(), 3)}`;
    };
    if (!apiTemp || fmt(apiTemp.time) !== screenTemp[2]) return false;  // a post in between: try again
    for (const [id, value] of shot) {
      const a = byId.get(id);
      if (!a) { check(value === '-', `${id} has no value in the API and none on screen`); continue; }
      check(String(a.value) === value, `${id}: screen ${value} = API ${a.value}`);
    }
    return true;
  }, 10000, 'the screen and queryLatest on the same post');
  // Search box, and the real-time switch stops updates.
  await p.fill('.dev-point-search', 'volt');
  check((await p.locator('tr[data-point]:visible').count()) === 3, 'voltage, voltage_avg, voltage_dq');
  await p.fill('.dev-point-search', '');
  await screenshot(p, 'device-measure-points');
  await p.locator('.dev-realtime').uncheck({ force: true });
  const frozen = await temp.locator('.dev-point-value').innerText();
  await sleep(2500);
  check((await temp.locator('.dev-point-value').innerText()) === frozen, 'switch off: the value stays');
  await p.locator('.dev-realtime').check({ force: true });
  await waitFor(async () => (await temp.locator('.dev-point-value').innerText()) !== frozen, 5000, 'switch on: moves again');
  noErrors(p);
});

test('Commands: the form checks bounds, invoke shows the answer and the history row', async () => {
  const p = await adminPage();
  await p.click('button.tab[data-tab=commands]');
  await p.locator('select.dev-cmd-service').selectOption('high_frequency_report_service');
  const interval = p.locator('.dev-cmd-form input[name=interval]');
  const err = p.locator('.dev-cmd-result .dev-cmd-error');
  const countCommands = async () => (await api(server, '/connect-service/v2.1/commands', 'search', {},
    { query: { productKey: demo.productKey, deviceKey: demo.deviceKey } })).pagination.totalSize;
  const bad = [['abc', '30', 'must be an integer'], ['2147483648', '30', '-2147483648..2147483647'],
    ['1.5', '30', 'must be an integer'], ['1', '61', 'Timeout (s) must be 1..60'], ['1', '0', 'Timeout (s) must be 1..60']];
  for (const [iv, timeout, msg] of bad) {
    await interval.fill(iv);
    await p.fill('.dev-cmd-timeout', timeout);
    await p.click('button.dev-cmd-invoke');
    await waitFor(async () => (await err.innerText()).includes(msg), 3000, `error "${msg}" for ${iv}/${timeout}`);
  }
  check((await countCommands()) === 0, 'no command was sent for bad input');
  await interval.fill('1');
  await p.fill('.dev-cmd-timeout', '60');  // the bound itself is allowed
  await p.click('button.dev-cmd-invoke');
  const output = p.locator('.dev-cmd-result .dev-cmd-output');
  await output.waitFor({ timeout: 15000 });
  check((await output.innerText()) === '{"result":0}', 'the device answered result 0');
  const id = await p.locator('.dev-cmd-result .dev-cmd-id').innerText();
  const row = p.locator(`tr[data-command="${id}"]`);
  await row.waitFor();
  const r = await row.innerText();
  check(r.includes('high_frequency_report_service') && r.includes('Succeeded') && r.includes('{"interval":1}') && r.includes('200'),
    'history row: service, params, response, state');
  check((await countCommands()) === 1, 'one command recorded');
  await screenshot(p, 'device-commands');
  noErrors(p);
});

test('Events tab of a model without events is empty; the header goes Offline live', async () => {
  const p = await adminPage();
  await p.click('button.tab[data-tab=events]');
  await p.waitForSelector('.tab-panel table.grid');
  check((await p.locator('.tab-panel td.empty').innerText()) === 'No data', 'empty');
  check((await p.locator('.tab-panel .pager-info').innerText()).includes('0 in all'), 'pager');
  // The live stream ends with the page.
  battery.kill('SIGTERM');
  await waitFor(async () => (await p.locator('.dev-header .badge').innerText()) === 'Offline', 10000, 'header Offline');
  noErrors(p);
});

// A device of a model with events posts `n` overheat events through the integration harness's MQTT client
// (python3-paho-mqtt, the EnOS login); returns the device.
async function deviceWithEvents(n) {
  const model = JSON.parse(readFileSync(join(sourceDir, 'demo/smart_battery_model.json'), 'utf8').replace(/^\uFEFF/, ''));
  model.thingModelId = 'EventBattery';
  model.thingModelName = { defaultValue: 'EventBattery', i18nValue: {} };
  model.thingEventMap = {
    overheat: { identifier: 'overheat', name: { defaultValue: 'overheat' }, type: 'WARN',
      outputData: [{ identifier: 'temp', $class: 'com.envisioniot.enos.model_service.share.data.tsl.datapoint.TSLDouble',
        required: true, name: { defaultValue: 'temp' } }] },
  };
  await api(server, '/model-service/v2.1/thing-models', 'import', model);
  const pk = (await api(server, '/connect-service/v2.1/products', 'create', {
    productName: { defaultValue: 'Event battery' }, modelId: 'EventBattery', nodeType: 'Device', dataFormat: 'Json',
  })).data.productKey;
  const d = (await api(server, kDevices, 'create', { productKey: pk, deviceName: { defaultValue: 'Event device' } })).data;
  const script = `
import json, sys, time
sys.path.insert(0, ${JSON.stringify(join(sourceDir, 'tests/integration'))})
from gridhub_harness import Device
class S: mqtt_port = ${server.mqttPort}
dev = Device(S(), ${JSON.stringify(d.productKey)}, ${JSON.stringify(d.deviceKey)}, ${JSON.stringify(d.deviceSecret)})
assert dev.connect() == 0
t0 = int(time.time() * 1000) - 60000
codes = [dev.request('thing/event/overheat/post', {'events': {'temp': 80 + i / 2}, 'time': t0 + i * 1000})[1]['code']
         for i in range(${n})]
dev.close()
print(json.dumps(codes))`;
  const codes = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', timeout: 30000 }));
  check(codes.length === n && codes.every((c) => c === 200), 'events stored: ' + codes);
  return d;
}

test('Events tab: newest first with output parameters, paged', async () => {
  const p = await adminPage();
  const d = await deviceWithEvents(25);  // 20 per page: the 25th is on page 2
  await p.goto(server.url + `/#/devices/${d.productKey}/${d.deviceKey}?tab=events`);
  await p.waitForSelector('.tab-panel tr[data-event]');
  check((await p.locator('.tab-panel .pager-info').innerText()).includes('Page 1 of 2 · 25 in all'), 'pager');
  const rows = p.locator('.tab-panel tr[data-event]');
  check((await rows.count()) === 20, '20 on page 1');
  const first = await rows.nth(0).innerText();
  check(first.includes('overheat') && first.includes('WARN') && first.includes('{"temp":92}'), 'newest first: ' + first);
  await screenshot(p, 'device-events');
  await p.click('.tab-panel button.pager-next');
  await waitFor(async () => (await rows.count()) === 5, 5000, '5 on page 2');
  check((await rows.nth(4).innerText()).includes('{"temp":80}'), 'the oldest last');
  noErrors(p);
});

test('disable and enable a device from the list', async () => {
  const p = await adminPage();
  await p.goto(server.url + '/#/devices');
  const row = rowOf(p, 'bat2');
  await row.waitFor();
  const sw = row.locator('input.dev-switch');
  check(await sw.isChecked(), 'enabled at first');
  // Cancel changes nothing.
  await sw.click({ force: true });
  await p.locator('.modal').waitFor();
  await p.locator('.modal-actions button', { hasText: 'Cancel' }).click();
  check(await sw.isChecked(), 'still enabled after Cancel');
  await sw.click({ force: true });
  await p.locator('.modal-actions button.danger').click();
  await waitFor(async () => (await rowOf(p, 'bat2').locator('.badge').innerText()) === 'Disabled', 5000, 'Disabled');
  check(!(await rowOf(p, 'bat2').locator('input.dev-switch').isChecked()), 'switch off');
  let d = (await api(server, kDevices, 'get', undefined, { query: { productKey: demo.productKey, deviceKey: 'bat2' } })).data;
  check(d.status === 'disable', 'the server has it disabled');
  await p.selectOption('select.dev-filter-status', 'disable');
  await waitFor(async () => (await p.locator('.pager-info').innerText()).includes('1 in all'), 5000, 'status filter');
  await screenshot(p, 'devices-disabled');
  await rowOf(p, 'bat2').locator('input.dev-switch').click({ force: true });
  await p.locator('.modal-actions button.primary').click();
  await waitFor(async () => (await p.locator('.pager-info').innerText()).includes('0 in all'), 5000, 'no disabled device left');
  d = (await api(server, kDevices, 'get', undefined, { query: { productKey: demo.productKey, deviceKey: 'bat2' } })).data;
  check(d.status === 'inactive', 'enabled again (never logged in: inactive)');
  await p.selectOption('select.dev-filter-status', '');
  noErrors(p);
});

test('a viewer sees everything and can change nothing', async () => {
  await createUser(server, 'victor', 'victor-password-1', 'viewer');
  const v = await newPage(browser, server);
  await login(v, server, 'victor', 'victor-password-1');
  await v.goto(server.url + '/#/devices');
  await rowOf(v, demo.deviceKey).waitFor();
  check(await v.locator('button.dev-new').isDisabled(), 'New device disabled');
  const switches = v.locator('input.dev-switch');
  const n = (await api(server, kDevices, 'search', { pagination: { pageNo: 1, pageSize: 1 } })).pagination.totalSize;
  check(n >= 3 && (await switches.count()) === n, 'a switch on every row');
  for (let i = 0; i < n; i++) check(await switches.nth(i).isDisabled(), 'switch disabled');
  await v.goto(server.url + `/#/devices/${demo.productKey}/${demo.deviceKey}?tab=commands`);
  await v.waitForSelector('.dev-cmd-invoke');
  await v.locator('select.dev-cmd-service').selectOption('high_frequency_report_service');  // choosing is reading
  check(await v.locator('button.dev-cmd-invoke').isDisabled(), 'Invoke disabled');
  check(await v.locator('.dev-cmd-form input[name=interval]').isDisabled(), 'parameter inputs disabled');
  check((await v.locator('.dev-header .dev-no-secret').innerText()) === '-', 'no secret for a viewer');
  check((await v.locator('.dev-header .secret').count()) === 0, 'no reveal control');
  // Every enabled button on the page is navigation or reading (tabs, refresh, paging, log out, language).
  const enabled = await v.$$eval('main button:not(:disabled)', (bs) => bs.map((b) => b.className || b.textContent));
  check(enabled.every((c) => /tab|pager|refresh|^Refresh$/.test(c)), 'only reading controls enabled: ' + enabled.join(', '));
  await screenshot(v, 'device-viewer-commands');
  noErrors(v);
  await v.context().close();
});

test('Chinese labels, as the lab names them', async () => {
  const p = await adminPage();
  await p.goto(server.url + '/#/devices');
  await p.click('header button.lang');
  await waitFor(async () => (await text(p, 'main h1')) === '设备资产', 5000, 'zh title');
  check((await text(p, 'button.dev-new')) === '添加设备', 'New device is 添加设备');
  check((await text(p, '[data-counter=online] .label')) === '在线设备', 'online counter');
  await screenshot(p, 'devices-list-zh');
  await p.goto(server.url + `/#/devices/${demo.productKey}/${demo.deviceKey}?tab=points`);
  await p.waitForSelector('tr[data-point=temp]');
  check((await p.locator('tr[data-point=temp]').innerText()).includes('温度: 摄氏度 | °C'), 'unit in Chinese');
  check((await p.locator('button.tab.active').innerText()) === '测点', 'tab 测点 opened from the address');
  await screenshot(p, 'device-measure-points-zh');
  await p.click('header button.lang');
  await p.waitForSelector('button.tab.active:has-text("Measure points")');
  noErrors(p);
});

test('10,000 devices: created concurrently, paged and filtered without freezing', async () => {
  const p = await adminPage();
  const pk = (await api(server, '/connect-service/v2.1/products', 'create', {
    productName: { defaultValue: 'Perf product' }, modelId: demo.modelId, nodeType: 'Device', dataFormat: 'Json',
  })).data.productKey;
  const others = (await api(server, kDevices, 'search', { pagination: { pageNo: 1, pageSize: 1 } })).pagination.totalSize;
  const t0 = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < kPerfDevices) {
      const i = next++;
      await api(server, kDevices, 'create', {
        productKey: pk, deviceKey: 'perf' + String(i).padStart(5, '0'),
        deviceName: { defaultValue: 'perf-' + String(i).padStart(5, '0') }, timezone: '+08:00',
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const createMs = Date.now() - t0;
  console.log(`     created ${kPerfDevices} devices in ${createMs} ms (${(kPerfDevices / createMs * 1000).toFixed(0)}/s, 16 in flight)`);
  // N+1 in one product is refused: the product is full.
  let refused = '';
  try {
    await api(server, kDevices, 'create', { productKey: pk, deviceName: { defaultValue: 'one too many' } });
  } catch (e) { refused = e.message; }
  check(refused.includes('10000'), 'the 10,001st device of a product is refused: ' + refused);

  await p.goto(server.url + '/#/devices');
  await p.reload();
  const all = kPerfDevices + others;
  await waitFor(async () => (await text(p, '[data-counter=total] .n')) === String(all), 10000, 'total ' + all);
  check((await p.locator('table.grid tbody tr').count()) === 20, '20 rows per page');
  await p.selectOption('select.dev-page-size', '100');
  await waitFor(async () => (await p.locator('table.grid tbody tr').count()) === 100, 5000, '100 rows');
  const pages = Math.ceil(all / 100);
  check((await p.locator('.pager-info').innerText()).includes(`Page 1 of ${pages} `), `${all} / 100 → ${pages} pages`);
  await p.click('button.pager-next');
  await waitFor(async () => (await p.locator('.pager-info').innerText()).includes(`Page 2 of ${pages} `), 5000, 'page 2');
  await p.selectOption('select.dev-filter-product', pk);
  await waitFor(async () => (await p.locator('.pager-info').innerText()).includes('Page 1 of 100 · 10000 in all'), 5000, 'product filter');
  await screenshot(p, 'devices-list-10000');

  // Typing: watch the frame gaps while typing a name one key at a time, then time the last key to its rows.
  await p.evaluate(() => {
    window.__gaps = { max: 0, last: performance.now(), on: true };
    const tick = (now) => {
      const g = window.__gaps;
      g.max = Math.max(g.max, now - g.last);
      g.last = now;
      if (g.on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const box = p.locator('input.dev-filter-text');
  await box.click();
  await p.keyboard.type('perf-0777', { delay: 60 });  // quicker than the debounce: one search at the end
  const tKey = await p.evaluate(() => performance.now());
  await p.keyboard.type('7', { delay: 0 });
  // Polled on every frame in the page: the moment the pager says one match.
  const tShown = await (await p.waitForFunction(() => {
    const info = document.querySelector('.pager-info');
    return info && info.textContent.includes('· 1 in all') && performance.now();
  }, null, { polling: 'raf', timeout: 5000 })).jsonValue();
  check((await rowOf(p, 'perf07777').count()) === 1, 'the matching row');
  const filterMs = tShown - tKey;
  // The same without the typing delay: choose a status (one search at once).
  const tStatus = await p.evaluate(() => performance.now());
  await p.selectOption('select.dev-filter-status', 'online');
  const statusMs = (await (await p.waitForFunction(() => {
    const info = document.querySelector('.pager-info');
    return info && info.textContent.includes('· 0 in all') && performance.now();
  }, null, { polling: 'raf', timeout: 5000 })).jsonValue()) - tStatus;
  const gap = await p.evaluate(() => { window.__gaps.on = false; return window.__gaps.max; });
  console.log(`     filter by name: ${filterMs.toFixed(0)} ms from the last key to its row (incl. the 250 ms typing delay); ` +
    `by status: ${statusMs.toFixed(0)} ms; longest frame gap while typing ${gap.toFixed(0)} ms`);
  check(filterMs < 2000, 'the filter answers within 2 s');
  check(gap < 200, 'the page never blocks for 200 ms or more');
  // A stale answer never overwrites a newer one: type two searches quickly; the screen ends on the second.
  await p.selectOption('select.dev-filter-status', '');
  await box.fill('perf-0');
  await sleep(300);
  await box.fill('perf-09999');
  await waitFor(async () => (await p.locator('.pager-info').innerText()).includes('· 1 in all'), 5000, 'last search wins');
  await sleep(1000);
  check((await p.locator('.pager-info').innerText()).includes('· 1 in all'), 'still the last search');
  check((await rowOf(p, 'perf09999').count()) === 1, 'its row');
  // Search by device key (exact) and asset ID.
  await p.selectOption('select.dev-filter-field', 'deviceKey');
  await box.fill('perf00042');
  await waitFor(async () => (await rowOf(p, 'perf00042').count()) === 1 && (await p.locator('.pager-info').innerText()).includes('· 1 in all'), 5000, 'by key');
  noErrors(p);
});

try {
  await run();
} finally {
  if (battery && battery.exitCode === null) battery.kill('SIGTERM');
  await browser.close();
  await server.stop();
}
