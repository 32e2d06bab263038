// The time-series insight, storage policies and environment pages as a person uses them, on the real server
// with history written through MQTT (python3-paho-mqtt, batch posts of 1,000 points).
//
// Run: GRIDHUB_BIN=.../gridhub GRIDHUB_SOURCE_DIR=/work/main [GRIDHUB_CONSOLE_DIR=dist] ARTIFACTS_DIR=...
//      node tests/browser/insight.test.mjs
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, api, createUser, launchBrowser, newPage, screenshot, test, check, run } from './lib.mjs';

// A device that logs in with the EnOS MQTT login and posts every series in batches of 1,000
// (thing.measurepoint.post.batch); value i of a series is base + (i % mod) * 0.5 (exact in binary, so the
// test can compute what the page must show). Exits non-zero unless every batch is answered with 200.
const kWriter = String.raw`
import hashlib, json, sys, time, threading
import paho.mqtt.client as mqtt
cfg = json.loads(sys.stdin.read())
pk, dk, secret, port = cfg["pk"], cfg["dk"], cfg["secret"], cfg["port"]
ts = str(int(time.time() * 1000))
fields = {"clientId": dk, "deviceKey": dk, "productKey": pk, "timestamp": ts}
pw = hashlib.sha256(("".join(k + fields[k] for k in sorted(fields)) + secret).encode()).hexdigest()
c = mqtt.Client(client_id=dk + "|securemode=2,signmethod=hmacsha256,timestamp=" + ts + "|", clean_session=True,
                protocol=mqtt.MQTTv311)
c.username_pw_set(dk + "&" + pk, pw)
cond = threading.Condition(); replies = {}; connected = []
def on_connect(cl, u, f, rc):
    with cond: connected.append(rc); cond.notify_all()
def on_message(cl, u, msg):
    r = json.loads(msg.payload)
    with cond: replies[r.get("id")] = r; cond.notify_all()
c.on_connect = on_connect; c.on_message = on_message
c.connect("127.0.0.1", port, 60); c.loop_start()
with cond: cond.wait_for(lambda: connected, 10)
if not connected or connected[0] != 0: print("connect failed", connected); sys.exit(1)
entries = []
for s in cfg["series"]:
    for i in range(s["count"]):
        entries.append({"measurepoints": {s["point"]: s["base"] + (i % s["mod"]) * 0.5}, "time": s["start"] + i * s["step"]})
topic = "/sys/%s/%s/thing/measurepoint/post/batch" % (pk, dk)
c.subscribe(topic + "_reply", qos=1)
time.sleep(0.2)
ids = []
for n in range(0, len(entries), 1000):
    rid = str(n // 1000 + 1); ids.append(rid)
    c.publish(topic, json.dumps({"id": rid, "version": "1.0", "method": "thing.measurepoint.post.batch",
                                 "params": entries[n:n + 1000]}), qos=1)
    if len(ids) % 20 == 0:
        with cond: cond.wait_for(lambda: all(i in replies for i in ids), 60)
with cond: cond.wait_for(lambda: all(i in replies for i in ids), 60)
bad = [replies.get(i) for i in ids if replies.get(i, {}).get("code") != 200]
c.disconnect(); c.loop_stop()
print(json.dumps({"posted": len(entries), "batches": len(ids), "bad": bad[:3]}))
sys.exit(1 if bad else 0)
`;

function writeHistory(server, series) {
  const { productKey: pk, deviceKey: dk, deviceSecret: secret } = server.demo;
  const r = spawnSync('/usr/bin/python3', ['-c', kWriter], {
    input: JSON.stringify({ pk, dk, secret, port: server.mqttPort, series }), encoding: 'utf8', timeout: 120000,
  });
  if (r.status !== 0) throw new Error('writing history failed: ' + r.stdout + r.stderr);
  return JSON.parse(r.stdout);
}

const valueAt = (s, i) => s.base + (i % s.mod) * 0.5;
// The demo device's local time (its zone is +08:00), as the data list shows it.
const local8 = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 19).replace('T', ' ');

// Every value of one series through the data service, following the cursor (what the page must match).
async function apiSeries(server, path, pointId, start, end) {
  const ts = [];
  const values = [];
  let cursor;
  do {
    const env = await api(server, path, '', {
      assetIds: server.demo.assetId, pointIds: pointId, startTime: start, endTime: end, itemFormat: 2, pageSize: 5000,
      ...(cursor ? { cursor } : {}),
    });
    for (const item of env.data.items) {
      ts.push(...item.timestamp);
      values.push(...item.value);
    }
    cursor = env.data.cursor;
  } while (cursor);
  return { ts, values };
}

async function chartStats(page, points) {
  await page.waitForFunction((n) => window.__gridhubChartStats && window.__gridhubChartStats.points === n, points,
    { timeout: 20000 });
  return page.evaluate(() => window.__gridhubChartStats);
}

async function openInsight(page, server) {
  await page.goto(server.url + '/#/insight');
  await page.waitForSelector('.insight-bar');
  await page.fill('.insight-device-search', 'Smartbattery');
  await page.click(`.insight-result[data-asset-id="${server.demo.assetId}"]`);
  await page.waitForSelector(`.chip[data-point="voltage"]`);
}

const server = await startServer();
const browser = await launchBrowser();

// The admin logs in with the bootstrap token's console account: the harness's admin.json carries a token; the
// console needs a user with a password, so the test makes one (role admin).
let adminMade = false;
async function loginAdmin(page) {
  if (!adminMade) {
    await createUser(server, 'insight_admin', 'admin-pass-123', 'admin');
    adminMade = true;
  }
  await loginAt(page, 'insight_admin', 'admin-pass-123');
}

// Logs in from the page's own address, so the console opens there (and no other page is drawn first).
async function loginAt(page, username, password, path = '/insight') {
  await page.goto(server.url + '/#' + path);
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('form.login-card button[type=submit]');
  await page.waitForSelector('nav.sidebar');
}

const now = Date.now();
// Two AI points over the last ~10 minutes (one value every 2 s), and `current` with 100,000 values 1 s apart
// ending a minute ago (about 28 hours: inside 3D, 1h holds the last 3,540 of them).
const kVoltage = { point: 'voltage', start: now - 600000, step: 2000, count: 290, base: 300, mod: 40 };
const kTemp = { point: 'temp', start: now - 600000 + 1000, step: 2000, count: 290, base: 20, mod: 17 };
const kCurrent = { point: 'current', start: now - 60000 - 99999 * 1000, step: 1000, count: 100000, base: 0, mod: 1000 };
try {
  const wrote = writeHistory(server, [kVoltage, kTemp, kCurrent]);
  check(wrote.posted === 100580 && wrote.batches === 101, 'history written: ' + JSON.stringify(wrote));

  // Five more devices of the demo product (no history): for the 5-device and 10-point bounds.
  const extra = [];
  for (let i = 2; i <= 6; i++) {
    const env = await api(server, '/connect-service/v2.1/devices', 'create', {
      productKey: server.demo.productKey, deviceName: { defaultValue: `Battery_${i}` }, timezone: '+08:00' });
    extra.push(env.data.assetId);
  }

  test('insight: two points as a chart, a data list, CSV, aggregation', async () => {
    const page = await newPage(browser, server);
    await loginAdmin(page);
    await openInsight(page, server);
    // Only points with a storage policy are offered: the demo keeps all of the model's measure points, but the
    // count shows 0/10 and the device counter 1/5.
    check((await page.textContent('.insight-devices .insight-box-title')).includes('1/5'), 'device counter 1/5');
    check((await page.textContent('.insight-points-head')).includes('0/10'), 'points counter 0/10');
    await page.click('.chip[data-point="voltage"]');
    await page.click('.chip[data-point="temp"]');
    check((await page.textContent('.insight-points-head')).includes('2/10'), 'points counter 2/10');
    const stats = await chartStats(page, kVoltage.count + kTemp.count);
    check(stats.series === 2, 'two series drawn: ' + JSON.stringify(stats));
    // The API agrees on what the last hour holds.
    const v = await apiSeries(server, '/tsdb-service/v2.1/ai', 'voltage', now - 3600e3, Date.now());
    const tp = await apiSeries(server, '/tsdb-service/v2.1/ai', 'temp', now - 3600e3, Date.now());
    check(v.ts.length + tp.ts.length === stats.points, `API ${v.ts.length}+${tp.ts.length} vs chart ${stats.points}`);
    const legend = await page.textContent('.insight-chart .u-legend');
    check(legend.includes('Smartbattery_Device · voltage') && legend.includes('Smartbattery_Device · temp'), 'legend: ' + legend);
    check((await page.textContent('.insight-stats')).includes('580 points in 2 series'), 'caption shows the count');
    // Latest data: the last value of each point.
    const latest = await page.textContent('.insight-latest');
    check(latest.includes(String(valueAt(kVoltage, kVoltage.count - 1))) && latest.includes(String(valueAt(kTemp, kTemp.count - 1))),
      'latest values: ' + latest);
    // Hovering shows values in the legend.
    const over = await page.$('.insight-chart .u-over');
    const box = await over.boundingBox();
    await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
    const hovered = await page.$$eval('.insight-chart .u-legend .u-value', (els) => els.map((e) => e.textContent));
    check(hovered.length === 3 && hovered.every((x) => /\d/.test(x)), 'hover shows the time and both values: ' + hovered);
    await screenshot(page, 'insight-chart');

    // Data list: 580 rows in all, 20 a page, the first row is voltage's first value.
    await page.click('.tab[data-tab="list"]');
    await page.waitForSelector('.pager-info');
    check((await page.textContent('.pager-info')).includes('580 in all'), 'data list total: ' + await page.textContent('.pager-info'));
    const rows = await page.$$eval('.insight-tab-panel table.grid tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    check(rows.length === 20, 'a page of 20 rows');
    check(rows[0][1] === String(kVoltage.start) && rows[0][2] === 'Smartbattery_Device' && rows[0][3] === server.demo.assetId &&
      rows[0][4] === 'voltage' && rows[0][5] === String(valueAt(kVoltage, 0)), 'first row: ' + rows[0]);
    check(rows[0][0] === local8(kVoltage.start), `local time ${rows[0][0]} vs ${local8(kVoltage.start)}`);
    await page.click('.pager-next');
    await page.waitForFunction(() => document.querySelector('.pager-info').textContent.startsWith('Page 2'));
    const second = await page.$eval('.insight-tab-panel table.grid tbody tr td:nth-child(2)', (td) => td.textContent);
    check(second === String(kVoltage.start + 20 * kVoltage.step), 'page 2 starts at value 21: ' + second);
    await screenshot(page, 'insight-list');

    // CSV of what is selected.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.insight-csv')]);
    check(/^data_insight_\d{8}\.csv$/.test(download.suggestedFilename()), 'CSV name ' + download.suggestedFilename());
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
    check(csv.length === 581, 'CSV has a header and 580 rows: ' + csv.length);
    check(csv[0] === 'Local time,Timestamp (ms),Device name,Asset ID,Measuring point,Value', 'CSV header ' + csv[0]);
    const last = csv[580].split(',');
    check(last[1] === String(kTemp.start + (kTemp.count - 1) * kTemp.step) && last[4] === 'temp' &&
      last[5] === String(valueAt(kTemp, kTemp.count - 1)), 'CSV last row ' + csv[580]);

    // Aggregation: AI with avg over 5 min windows, then max: fewer points, and each the right number.
    await page.click('.tab[data-tab="chart"]');
    await page.click('.insight-type[data-type="AI"]');
    await page.waitForSelector('.insight-agg-fn');
    await page.waitForFunction(() => window.__gridhubChartStats && window.__gridhubChartStats.points < 20);
    const agg = await page.evaluate(() => window.__gridhubChartStats);
    check(agg.series === 2 && agg.points >= 4 && agg.points <= 6, '5-minute averages of 10 minutes: ' + JSON.stringify(agg));
    check((await page.textContent('.insight-chart .u-legend')).includes('avg(voltage)'), 'legend names the aggregation');
    await page.click('.tab[data-tab="list"]');
    await page.waitForSelector('.pager-info');
    const aggRows = await page.$$eval('.insight-tab-panel table.grid tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    const checkWindows = (rowsNow, fn) => {
      for (const r of rowsNow.filter((x) => x[4] === `${fn}(voltage)`)) {
        const ws = Number(r[1]);
        const inWin = [];
        for (let i = 0; i < kVoltage.count; i++) {
          const t = kVoltage.start + i * kVoltage.step;
          if (t >= ws && t < ws + 300000) inWin.push(valueAt(kVoltage, i));
        }
        const want = fn === 'avg' ? inWin.reduce((a, b) => a + b, 0) / inWin.length : Math.max(...inWin);
        check(inWin.length > 0 && Math.abs(Number(r[5]) - want) < 1e-9, `${fn} window ${ws}: ${r[5]} vs ${want}`);
        check(r[0] === local8(ws), `window local time ${r[0]} vs ${local8(ws)}`);
      }
    };
    check(aggRows.filter((x) => x[4] === 'avg(voltage)').length >= 2, 'avg rows: ' + JSON.stringify(aggRows));
    checkWindows(aggRows, 'avg');
    await page.selectOption('.insight-agg-fn', 'max');
    await page.waitForFunction(() => [...document.querySelectorAll('.insight-tab-panel td')].some((td) => td.textContent === 'max(voltage)'));
    checkWindows(await page.$$eval('.insight-tab-panel table.grid tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent))), 'max');
    await page.click('.tab[data-tab="chart"]');
    await screenshot(page, 'insight-aggregated');

    // Points: 10 may be picked, the 11th is refused (a second device gives more than 10 to choose from).
    await page.click('.insight-type[data-type="ALL"]');
    for (const p of ['current', 'discharge_energy', 'voltage_avg', 'voltage_dq', 'health_level', 'accumulating_power', 'cycle_number']) {
      await page.click(`.chip[data-asset-id="${server.demo.assetId}"][data-point="${p}"]`);
    }
    check((await page.textContent('.insight-points-head')).includes('9/10'), 'nine points');
    await page.fill('.insight-device-search', 'Battery_');
    await page.click(`.insight-result[data-asset-id="${extra[0]}"]`);
    await page.click(`.chip[data-asset-id="${extra[0]}"][data-point="voltage"]`);
    check((await page.textContent('.insight-points-head')).includes('10/10'), 'ten points');
    await page.click(`.chip[data-asset-id="${extra[0]}"][data-point="temp"]`);
    await page.waitForSelector('.toast.error:has-text("At most 10 measuring points")');
    check((await page.textContent('.insight-points-head')).includes('10/10'), 'still ten points');
    check(await page.getAttribute(`.chip[data-asset-id="${extra[0]}"][data-point="temp"]`, 'aria-pressed') === 'false', '11th not selected');
    // Devices: 5 may be picked, the 6th is refused.
    for (const id of extra.slice(1, 4)) await page.click(`.insight-result[data-asset-id="${id}"]`);
    await page.waitForFunction(() => document.querySelector('.insight-devices .insight-box-title').textContent.includes('5/5'));
    await page.click(`.insight-result[data-asset-id="${extra[4]}"]`);
    await page.waitForSelector('.toast.error:has-text("At most 5 devices")');
    check((await page.textContent('.insight-devices .insight-box-title')).includes('5/5'), 'still five devices');
    check(!(await page.$(`.insight-tag[data-asset-id="${extra[4]}"]`)), 'the 6th device is not picked');
    await screenshot(page, 'insight-limits');
    await page.click('.insight-point-reset');
    check((await page.textContent('.insight-points-head')).includes('0/10'), 'reset clears the points');
    await page.click('.insight-device-reset');
    check((await page.textContent('.insight-devices .insight-box-title')).includes('0/5'), 'reset clears the devices');
    await page.click(`.insight-result[data-asset-id="${server.demo.assetId}"]`);
    await page.waitForSelector('.chip[data-point="voltage"]');
    // A start after the end is an error on the page, not a crash.
    await page.click('.chip[data-point="voltage"]');
    await page.click('.insight-range[data-range="custom"]');
    await page.fill('.insight-from', '2026-01-02T00:00:01');
    await page.fill('.insight-to', '2026-01-01T00:00:01');
    await page.dispatchEvent('.insight-to', 'change');
    await page.waitForSelector('.insight-error');
    check((await page.textContent('.insight-error')).includes('start time before the end'), 'bad range message');
    check(page.errors.length === 0, 'no page errors: ' + page.errors.join('\n'));
    await page.context().close();
  });

  test('insight: 100,000 points of one AI point render as one chart', async () => {
    const page = await newPage(browser, server);
    await loginAdmin(page);
    await openInsight(page, server);
    await page.click('.insight-range[data-range="3D"]');
    await page.click('.chip[data-point="current"]');
    const stats = await chartStats(page, 100000);
    console.log(`     chart of ${stats.points} points: rendered in ${stats.renderMs.toFixed(1)} ms ` +
      `(read in ${stats.fetchMs.toFixed(0)} ms, ${stats.pages} page(s)); target < 200 ms`);
    check(stats.series === 1, 'one series');
    // No per-point DOM: the chart is canvas.
    const nodes = await page.$$eval('.insight-chart *', (els) => els.length);
    check(nodes < 200, 'chart DOM nodes: ' + nodes);
    // Drag-zoom on x changes the axis; Reset zoom brings it back.
    const before = await page.textContent('.insight-shown');
    check(/^\d{4}-.* – \d{4}-/.test(before), 'the shown range: ' + before);
    const box = await (await page.$('.insight-chart .u-over')).boundingBox();
    await page.mouse.move(box.x + box.width * 0.4, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.45, box.y + 20, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((b) => document.querySelector('.insight-shown').textContent !== b, before);
    const zoomed = await page.textContent('.insight-shown');
    check(zoomed !== before, `zoomed to ${zoomed}`);
    await screenshot(page, 'insight-100k-zoomed');
    await page.click('.insight-reset-zoom');
    await page.waitForFunction((b) => document.querySelector('.insight-shown').textContent === b, before);
    await screenshot(page, 'insight-100k');
    check(page.errors.length === 0, 'no page errors: ' + page.errors.join('\n'));
    await page.context().close();
  });

  test('storage: create a group, add a model, set a retention; a viewer changes nothing', async () => {
    await api(server, '/model-service/v2.1/thing-models', 'clone', {}, { query: { sourceModelId: 'Smartbattery_Model', modelId: 'Inverter_Model' } });
    const page = await newPage(browser, server);
    await loginAdmin(page);
    await page.goto(server.url + '/#/storage');
    await page.waitForSelector('.storage-tabs');
    check((await page.textContent('.storage-count')).includes('1/5'), 'one group of 5');
    check((await page.textContent('.storage-type[data-type="AI_RAW"]')).includes('3 months'), 'demo AI_RAW kept 3 months');
    await screenshot(page, 'storage-demo');
    // A name already taken is refused in the dialog.
    await page.click('.storage-new');
    await page.fill('.storage-group-name', 'Developer_Bootcamp');
    await page.click('.modal-actions button.primary');
    await page.waitForFunction(() => document.querySelector('.modal .form-error')?.textContent.length > 0);
    check(/99400|taken|exists|already/i.test(await page.textContent('.modal .form-error')), 'duplicate name error: ' + await page.textContent('.modal .form-error'));
    // The demo model is in the other group: shown, not pickable.
    check(await page.$eval('.storage-model-picker input[value="Smartbattery_Model"]', (b) => b.disabled), 'taken model disabled');
    await page.fill('.storage-group-name', 'plant_b');
    await page.fill('.storage-group-desc', 'Inverters of plant B');
    await page.check('.storage-model-picker input[value="Inverter_Model"]');
    await page.click('.modal-actions button.primary');
    await page.waitForSelector('.storage-tabs .tab.active:has-text("plant_b")');
    check((await page.textContent('.storage-count')).includes('2/5'), 'two groups');
    // AI raw data of the new group: 6 months, all AI points of the model.
    await page.click('.storage-type[data-type="AI_RAW"] .storage-edit-policy');
    await page.selectOption('.storage-retention-select', '6M');
    await page.check('.storage-policy-model[data-model="Inverter_Model"] .storage-all');
    await page.click('.modal-actions button.primary');
    await page.waitForFunction(() => document.querySelector('.storage-type[data-type="AI_RAW"]').textContent.includes('6 months'));
    await page.reload();
    await page.waitForSelector('.storage-tabs .tab.active:has-text("plant_b")');
    const card = await page.textContent('.storage-type[data-type="AI_RAW"]');
    check(card.includes('6 months') && card.includes('All points (6)'), 'after reload: ' + card);
    check((await page.textContent('.storage-type[data-type="DI"]')).includes('Not configured'), 'DI not configured');
    const groups = (await api(server, '/tsdb-policy/v2.1/storage-groups', 'search', {})).data;
    const b = groups.find((g) => g.groupName === 'plant_b');
    check(b && b.modelIds.join() === 'Inverter_Model' && b.policies.length === 1 && b.policies[0].retention === '6M' &&
      b.policies[0].models[0].pointIds.length === 6, 'the API has it: ' + JSON.stringify(b));
    await screenshot(page, 'storage-new-group');
    // Five groups at most: at 5 the page offers no "New group"; deleting one (after a confirmation) frees it.
    for (const name of ['g3', 'g4', 'g5']) await api(server, '/tsdb-policy/v2.1/storage-groups', 'create', { groupName: name });
    await page.reload();
    await page.waitForSelector('.storage-tabs');
    check((await page.textContent('.storage-count')).includes('5/5'), 'five groups');
    check(await page.$eval('.storage-new', (b) => b.disabled), 'New group disabled at 5/5');
    await page.click('.storage-tabs .tab:has-text("g5")');
    await page.waitForSelector('.storage-tabs .tab.active:has-text("g5")');
    await page.click('.storage-delete-group');
    check((await page.textContent('.modal')).includes('Delete group g5?'), 'the confirmation names the group');
    await page.click('.modal-actions button.danger');
    await page.waitForFunction(() => document.querySelector('.storage-count')?.textContent.includes('4/5'));
    check(!(await page.$eval('.storage-new', (b) => b.disabled)), 'New group enabled at 4/5');
    const left = (await api(server, '/tsdb-policy/v2.1/storage-groups', 'search', {})).data.map((g) => g.groupName);
    check(left.join() === 'Developer_Bootcamp,plant_b,g3,g4', 'groups left: ' + left);
    check(page.errors.length === 0, 'no page errors: ' + page.errors.join('\n'));
    await page.context().close();

    await createUser(server, 'viewer1', 'viewer-pass-123', 'viewer');
    const vpage = await newPage(browser, server);
    await loginAt(vpage, 'viewer1', 'viewer-pass-123', '/storage');
    await vpage.goto(server.url + '/#/storage');
    await vpage.waitForSelector('.storage-tabs');
    check((await vpage.textContent('.storage-type[data-type="AI_RAW"]')).includes('3 months'), 'viewer sees the policies');
    check(await vpage.$('.notice'), 'viewer sees the read-only notice');
    const enabled = await vpage.$$eval('.content button', (bs) => bs.filter((x) => !x.disabled && !x.classList.contains('tab')).map((x) => x.textContent));
    check(enabled.length === 0, 'no usable write control for a viewer: ' + enabled);
    await screenshot(vpage, 'storage-viewer');
    check(vpage.errors.length === 0, 'no page errors: ' + vpage.errors.join('\n'));
    await vpage.context().close();
  });

  test('environment: the addresses the server really listens on', async () => {
    const page = await newPage(browser, server);
    await loginAdmin(page);
    await page.goto(server.url + '/#/environment');
    await page.waitForSelector('.env-grid');
    const text = async (k) => (await page.$(`[data-env="${k}"]`)) ? page.textContent(`[data-env="${k}"]`) : null;
    check(!(await page.$('.env-fallback')), 'the server reports its addresses');
    check((await text('mqtt-port')) === String(server.mqttPort), `MQTT port ${await text('mqtt-port')} vs ${server.mqttPort}`);
    check((await text('mqtt-url')) === `tcp://127.0.0.1:${server.mqttPort}`, 'MQTT url ' + await text('mqtt-url'));
    const tls = /MQTT\/TLS listening on [^ ]+:(\d+)/.exec(server.log());
    if (tls) check((await text('tls-port')) === tls[1], `TLS port ${await text('tls-port')} vs ${tls[1]}`);
    else check(await page.$('.env-tls-off'), 'TLS shown as not enabled');
    check((await text('api-url')) === server.url, 'API url ' + await text('api-url'));
    check((await text('org-id')) === server.demo.orgId, 'org id');
    check((await page.textContent('.env-sample')).includes(`TCP_SERVER_URL = "tcp://127.0.0.1:${server.mqttPort}"`), 'sample code');
    // Copy puts the address on the clipboard.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await page.click('button[aria-label="Copy mqtt-url"]');
    await page.waitForSelector('.toast:has-text("Copied")');
    check((await page.evaluate(() => navigator.clipboard.readText())) === `tcp://127.0.0.1:${server.mqttPort}`, 'clipboard holds the MQTT url');
    await screenshot(page, 'environment');
    check(page.errors.length === 0, 'no page errors: ' + page.errors.join('\n'));
    await page.context().close();
  });

  await run();
} finally {
  await browser.close();
  await server.stop();
}
