// The smart-battery lab (../shared/seed/smart-battery-lab.zh.md) done in the browser from an empty server, as a
// person does it: log in; step 1 create Smartbattery_Model, import the lab's file into it and publish; step 2 the
// product; step 3 the device, whose keys are read off the screen; step 4 the storage policy; step 8 run the
// device program with those keys, watch it go online and its measure points move, invoke
// high_frequency_report_service; step 9 chart its history in time-series insight. A screenshot of each step.
//
// Run: GRIDHUB_BIN=build/gridhub GRIDHUB_SOURCE_DIR=. [SMART_BATTERY=build/smart_battery] node tests/browser/lab.test.mjs
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, createUser, launchBrowser, newPage, login, screenshot, test, check, run, sleep, sourceDir, waitFor }
  from './lib.mjs';

const smartBattery = process.env.SMART_BATTERY ||
  join(process.env.GRIDHUB_BIN ? join(process.env.GRIDHUB_BIN, '..') : join(sourceDir, 'build'), 'smart_battery');
// The lab's file; the tree's copy of its features (demo/) where the shared seed data is not beside the tree.
const sharedModelFile = join(process.env.GRIDHUB_SHARED_DIR || join(sourceDir, '../shared'), 'seed-data/enos_model_SmartBattery.json');
const labModelFile = existsSync(sharedModelFile) ? sharedModelFile : join(sourceDir, 'demo/smart_battery_model.json');
const kModelId = 'Smartbattery_Model';
const kLabPoints = ['voltage', 'current', 'temp', 'health_level', 'discharge_energy', 'cycle_number', 'voltage_dq',
  'accumulating_power', 'voltage_avg'];

const server = await startServer({ demo: false });
const browser = await launchBrowser();
const page = await newPage(browser, server);
let productKey = null;
let device = null;  // {assetId, productKey, deviceKey, deviceSecret} as the one-time dialog showed them
let battery = null;

function noErrors() {
  check(page.errors.length === 0, 'no page errors: ' + page.errors.join('\n'));
}

test('log in to an empty Gridhub', async () => {
  await createUser(server, 'engineer', 'lab-password-1', 'admin');
  await page.goto(server.url + '/');
  await page.waitForSelector('form.login-card');
  await screenshot(page, 'lab-0-login');
  await login(page, server, 'engineer', 'lab-password-1');
  noErrors();
});

test('step 1: create Smartbattery_Model, import the lab file into it, publish', async () => {
  await page.goto(server.url + '/#/models');
  await page.click('button.models-new');
  await page.fill('.modal input[name=modelId]', kModelId);
  await page.fill('.modal input[name=nameEn]', kModelId);
  await page.fill('.modal textarea[name=desc]', 'Model for smart battery');
  check(await page.isChecked('.modal input[name=validationEnabled]'), 'validation on by default, as the lab sets it');
  await page.click('.modal .modal-actions button.primary');
  await page.waitForFunction((id) => location.hash === '#/models/' + id, kModelId);
  await page.waitForSelector('button.model-import');

  await page.click('button.model-import');
  await page.setInputFiles('.modal input.models-file', labModelFile);
  await page.waitForFunction(() => document.querySelector('.modal textarea.models-json').value.includes('thingMeasurepointMap'));
  await screenshot(page, 'lab-1-import');
  await page.click('button.models-import-submit');
  await page.waitForSelector('.model-draft-notice');
  await page.waitForSelector('.model-features tr[data-identifier="voltage"]');
  const shown = await page.$$eval('.model-features tr[data-identifier]', (rows) => rows.map((r) => r.dataset.identifier));
  check(kLabPoints.every((p) => shown.includes(p)), 'the draft has the lab\'s nine measure points: ' + shown);
  let published = (await api(server, '/model-service/v2.1/thing-models', 'get', undefined, { query: { modelId: kModelId } })).data;
  check(Object.keys(published.measurepoints || {}).length === 0, 'nothing is published before Publish');

  await page.click('button.model-publish');
  await page.click('.modal button.primary');
  await page.waitForSelector('.model-draft-notice', { state: 'detached' });
  published = (await api(server, '/model-service/v2.1/thing-models', 'get', undefined, { query: { modelId: kModelId } })).data;
  check(kLabPoints.every((p) => p in published.measurepoints), 'published: every measure point');
  check('high_frequency_report_service' in published.services, 'published: the service');
  check('Capacity' in published.attributes && 'UpperLimitTemp' in published.attributes, 'published: the attributes');
  check(published.name.defaultValue === kModelId && published.desc === 'Model for smart battery', 'the model kept its name');
  await screenshot(page, 'lab-1-model');
  noErrors();
});

test('step 2: create Smartbattery_Product', async () => {
  await page.goto(server.url + '/#/products');
  await page.click('button.products-new');
  await page.waitForSelector('.modal select[name=modelId]');
  await page.fill('.modal input[name=nameEn]', 'Smartbattery_Product');
  await page.selectOption('.modal select[name=nodeType]', 'Device');
  await page.selectOption('.modal select[name=modelId]', kModelId);
  await page.selectOption('.modal select[name=dataFormat]', 'Json');
  check(!(await page.isChecked('.modal input[name=biDirectionalAuth]')), 'certificate auth disabled');
  await page.fill('.modal textarea[name=productDesc]', 'Computer Battery');
  await screenshot(page, 'lab-2-product-form');
  await page.click('.modal .modal-actions button.primary');
  await page.waitForSelector('.product-info');
  productKey = (await page.textContent('code.product-key')).trim();
  const p = (await api(server, '/connect-service/v2.1/products', 'get', undefined, { query: { productKey } })).data;
  check(p.modelId === kModelId && p.dataFormat === 'Json' && p.nodeType === 'Device' && p.productDesc === 'Computer Battery',
    'the product as the lab defines it: ' + JSON.stringify(p));
  await screenshot(page, 'lab-2-product');
  noErrors();
});

test('step 3: register Smartbattery_Device and read its keys off the screen', async () => {
  await page.goto(server.url + '/#/devices');
  await page.click('button.dev-new');
  await page.waitForSelector('.modal select[name=productKey]');
  await page.selectOption('.modal select[name=productKey]', productKey);
  await page.fill('.modal input[name=nameEn]', 'Smartbattery_Device');
  check((await page.inputValue('.modal select[name=timezone]')) === '+08:00', 'UTC+08:00 by default, as in the lab');
  check(!(await page.isChecked('.modal input[name=dst]')), 'no daylight saving time');
  await screenshot(page, 'lab-3-device-form');
  await page.click('.modal .modal-actions button.primary');
  await page.waitForSelector('.modal .dev-created');
  const [assetId, pk, deviceKey, deviceSecret] = await page.locator('.modal .dev-created code').allInnerTexts();
  device = { assetId, productKey: pk, deviceKey, deviceSecret };
  check(pk === productKey && deviceKey.length >= 4 && deviceSecret.length >= 16, 'keys shown: ' + JSON.stringify(device));
  await screenshot(page, 'lab-3-device-keys');
  await page.click('.modal .modal-actions button.primary');
  await page.waitForSelector(`tr[data-device-key="${deviceKey}"]`);
  check((await page.locator(`tr[data-device-key="${deviceKey}"] .badge`).innerText()) === 'Inactive', 'never connected: Inactive');
  noErrors();
});

test('step 4: storage policy Developer_Bootcamp keeps AI raw data of the model for 3 months', async () => {
  await page.goto(server.url + '/#/storage');
  await page.waitForSelector('.storage-new');
  await page.click('.storage-new');
  await page.fill('.storage-group-name', 'Developer_Bootcamp');
  await page.check(`.storage-model-picker input[value="${kModelId}"]`);
  await page.click('.modal-actions button.primary');
  await page.waitForSelector('.storage-tabs .tab.active:has-text("Developer_Bootcamp")');
  await page.click('.storage-type[data-type="AI_RAW"] .storage-edit-policy');
  await page.selectOption('.storage-retention-select', '3M');
  await page.check(`.storage-policy-model[data-model="${kModelId}"] .storage-all`);
  await page.click('.modal-actions button.primary');
  await page.waitForFunction(() => document.querySelector('.storage-type[data-type="AI_RAW"]').textContent.includes('3 months'));
  const groups = (await api(server, '/tsdb-policy/v2.1/storage-groups', 'search', {})).data;
  check(groups.length === 1 && groups[0].groupName === 'Developer_Bootcamp' && groups[0].policies[0].retention === '3M',
    'the group: ' + JSON.stringify(groups));
  await screenshot(page, 'lab-4-storage');
  noErrors();
});

test('step 8: the device program logs in; the device turns Online and its points move', async () => {
  await page.goto(server.url + `/#/devices/${device.productKey}/${device.deviceKey}`);
  await page.waitForSelector('.dev-header');
  battery = spawn(smartBattery, ['--url', `tcp://127.0.0.1:${server.mqttPort}`, '--product-key', device.productKey,
    '--device-key', device.deviceKey, '--device-secret', device.deviceSecret], { stdio: ['ignore', 'pipe', 'pipe'] });
  battery.log = '';
  battery.stdout.on('data', (b) => (battery.log += b));
  battery.stderr.on('data', (b) => (battery.log += b));
  await waitFor(async () => (await page.locator('.dev-header .badge').innerText()) === 'Online', 15000,
    'Online in the header (device log: ' + battery.log.slice(-500) + ')');
  await page.click('button.tab[data-tab=points]');
  const temp = page.locator('tr[data-point=temp] .dev-point-value');
  const first = await waitFor(async () => { const v = await temp.innerText(); return v !== '-' && v; }, 10000, 'a temp value');
  await waitFor(async () => (await temp.innerText()) !== first, 5000, 'temp moves (one post a second)');
  check(Number(first) >= 45 && Number(first) <= 75, 'temp within the lab\'s 45..75 °C: ' + first);
  check((await page.locator('tr[data-point=temp]').innerText()).includes('°C'), 'with its unit');
  await screenshot(page, 'lab-8-measure-points');
  noErrors();
});

test('step 8: invoke high_frequency_report_service from the console', async () => {
  await page.click('button.tab[data-tab=commands]');
  await page.locator('select.dev-cmd-service').selectOption('high_frequency_report_service');
  await page.fill('.dev-cmd-form input[name=interval]', '1');
  await page.click('button.dev-cmd-invoke');
  const output = page.locator('.dev-cmd-result .dev-cmd-output');
  await output.waitFor({ timeout: 15000 });
  check((await output.innerText()) === '{"result":0}', 'the device answered: ' + await output.innerText());
  const id = await page.locator('.dev-cmd-result .dev-cmd-id').innerText();
  await page.locator(`tr[data-command="${id}"]`).waitFor();
  check((await page.locator(`tr[data-command="${id}"]`).innerText()).includes('Succeeded'), 'history row Succeeded');
  await screenshot(page, 'lab-8-service');
  noErrors();
});

test('step 9: time-series insight charts what the device posted', async () => {
  await sleep(2000);  // a few more seconds of history
  await page.goto(server.url + '/#/insight');
  await page.waitForSelector('.insight-bar');
  await page.fill('.insight-device-search', 'Smartbattery');
  await page.click(`.insight-result[data-asset-id="${device.assetId}"]`);
  for (const p of ['voltage', 'temp', 'current']) await page.click(`.chip[data-point="${p}"]`);
  await page.waitForFunction(() => window.__gridhubChartStats && window.__gridhubChartStats.series === 3 &&
    window.__gridhubChartStats.points >= 9, null, { timeout: 20000 });
  const stats = await page.evaluate(() => window.__gridhubChartStats);
  // The chart holds what the store holds for the hour.
  const env = await api(server, '/tsdb-service/v2.1/ai', '', {
    assetIds: device.assetId, pointIds: 'voltage,temp,current', startTime: Date.now() - 3600e3, endTime: Date.now(),
    itemFormat: 2, pageSize: 5000 });
  const stored = env.data.items.reduce((n, it) => n + it.timestamp.length, 0);
  check(stats.points <= stored && stats.points >= 9, `chart ${stats.points} points, store ${stored}`);
  await screenshot(page, 'lab-9-insight');
  noErrors();
});

try {
  await run();
} finally {
  if (battery) battery.kill('SIGTERM');
  await browser.close();
  await server.stop();
}
