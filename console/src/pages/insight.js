// The time-series insight page (spec §5.1): pick a time range, up to 5 devices and 10 of their stored points,
// see them as one chart (insight_chart.js), as a paged data list with CSV export, and their latest values.
// History is read with the TSDB data service, every page of it (the cursor), in itemFormat 2 (arrays per series).
import { route, currentQuery } from '../core/router.js';
import { h, mount, debounce, formatTime, formatValue, i18nText, download } from '../core/dom.js';
import { t, lang, defineStrings } from '../core/i18n.js';
import { get, search } from '../core/api.js';
import { pageHeader, button, pagedTable, table, select, toast, errorText, badge } from '../core/ui.js';
import { insightChart, seriesSwatch } from './insight_chart.js';

defineStrings({
  en: {
    'insight.title': 'Time-series insight', 'insight.range': 'Select time range', 'insight.range.1h': '1h',
    'insight.range.1D': '1D', 'insight.range.3D': '3D', 'insight.range.custom': 'Custom', 'insight.from': 'From',
    'insight.to': 'To', 'insight.devices': 'Select devices ({n}/5)', 'insight.deviceSearch': 'Search by device name',
    'insight.dataType': 'Select data type', 'insight.agg': 'Aggregation', 'insight.interval': 'Interval',
    'insight.minutes': '{n} min', 'insight.hour': '1 h', 'insight.points': 'Selected measuring points ({n}/10)',
    'insight.pointSearch': 'Search by measuring point name', 'insight.noDevices': 'Pick a device to see its stored points.',
    'insight.noPoints': 'No measuring point of this data type has a storage policy.',
    'insight.pickPoints': 'Pick measuring points on the left to draw them.', 'insight.chart': 'Chart',
    'insight.list': 'Data list', 'insight.latest': 'Latest data', 'insight.maxDevices': 'At most 5 devices',
    'insight.maxPoints': 'At most 10 measuring points', 'insight.badRange': 'Choose a start time before the end time',
    'insight.noData': 'No data in this time range', 'insight.resetZoom': 'Reset zoom',
    'insight.stats': '{points} points in {series} series · drawn in {ms} ms',
    'insight.truncated': 'Only the first {n} values of each series are shown; use the API for more.',
    'insight.notNumeric': 'Not drawn (values are not numbers): {names}', 'insight.col.localTime': 'Local time',
    'insight.col.timestamp': 'Timestamp (ms)', 'insight.col.device': 'Device name', 'insight.col.asset': 'Asset ID',
    'insight.col.point': 'Measuring point', 'insight.col.value': 'Value', 'insight.col.type': 'Data type',
    'insight.col.latest': 'Latest data', 'insight.col.unit': 'Unit', 'insight.col.updated': 'Last updated',
    'insight.downloadCsv': 'Download CSV', 'insight.remove': 'Remove', 'insight.loadingData': 'Reading history…',
    'insight.all': 'ALL',
  },
  zh: {
    'insight.title': '时序洞察', 'insight.range': '选择时间范围', 'insight.range.1h': '1小时', 'insight.range.1D': '1天',
    'insight.range.3D': '3天', 'insight.range.custom': '自定义', 'insight.from': '开始', 'insight.to': '结束',
    'insight.devices': '设备选择（{n}/5）', 'insight.deviceSearch': '按设备名称搜索', 'insight.dataType': '选择数据类型',
    'insight.agg': '聚合方式', 'insight.interval': '时间间隔', 'insight.minutes': '{n} 分钟', 'insight.hour': '1 小时',
    'insight.points': '已选测点（{n}/10）', 'insight.pointSearch': '按测点名称搜索',
    'insight.noDevices': '选择设备以查看其已存储的测点。', 'insight.noPoints': '该数据类型下没有配置存储策略的测点。',
    'insight.pickPoints': '在左侧选择测点以生成图表。', 'insight.chart': '图表', 'insight.list': '数据列表',
    'insight.latest': '最新数据', 'insight.maxDevices': '最多选择 5 个设备', 'insight.maxPoints': '最多选择 10 个测点',
    'insight.badRange': '开始时间须早于结束时间', 'insight.noData': '该时间范围内没有数据', 'insight.resetZoom': '重置缩放',
    'insight.stats': '{series} 条曲线共 {points} 个点 · 绘制耗时 {ms} 毫秒',
    'insight.truncated': '每条曲线只显示前 {n} 条记录，更多数据请使用 API 查询。',
    'insight.notNumeric': '未绘制（值不是数字）：{names}', 'insight.col.localTime': '本地时间',
    'insight.col.timestamp': '时间戳（毫秒）', 'insight.col.device': '设备名称', 'insight.col.asset': '资产 ID',
    'insight.col.point': '测点', 'insight.col.value': '值', 'insight.col.type': '数据类型', 'insight.col.latest': '最新数据',
    'insight.col.unit': '单位', 'insight.col.updated': '最后更新时间', 'insight.downloadCsv': '下载 CSV',
    'insight.remove': '移除', 'insight.loadingData': '正在读取历史数据…', 'insight.all': '全部',
  },
});

const kMaxDevices = 5;
const kMaxPoints = 10;
const kMaxValuesPerRequest = 640000;  // the data service's devices×points×pageSize bound (api_tsdb.md)
const kMaxValuesPerSeries = 1000000;  // what one series may hold in the browser before we stop reading
const kAggregations = ['avg', 'min', 'max', 'sum', 'count', 'first', 'last'];
const kIntervals = [5, 10, 15, 30, 60];

// The storage type a point's history is read from, by the data service path that serves it.
function endpointOf(storage) {
  if (storage.includes('AI_RAW')) return '/tsdb-service/v2.1/ai';
  if (storage.includes('AI_NORMALIZED')) return '/tsdb-service/v2.1/ai-normalized';
  if (storage.includes('DI')) return '/tsdb-service/v2.1/di';
  if (storage.includes('PI')) return '/tsdb-service/v2.1/electric-power';
  if (storage.includes('GENERIC')) return '/tsdb-service/v2.1/generic';
  return null;
}

// A model's measure points with the storage types that keep them: Map pointId → {name, signalType, dataType,
// unit, storage}. Only points with at least one storage type are listed (spec §3.1: nothing else has history).
const modelCache = new Map();
function storedPoints(modelId) {
  if (!modelCache.has(modelId)) {
    const p = Promise.all([
      get('/model-service/v2.1/thing-models', { action: 'get', query: { modelId } }),
      get('/tsdb-policy/v2.1/policies', { action: 'metadata', query: { modelIds: modelId } }),
    ]).then(([model, meta]) => {
      const stored = (meta && meta[modelId]) || {};
      const points = new Map();
      for (const [id, mp] of Object.entries(model.measurepoints || {})) {
        const storage = stored[id] || [];
        if (!storage.length) continue;
        points.set(id, {
          id, name: mp.name, signalType: mp.signalType, dataType: mp.dataType,
          unit: mp.unit?.unitId || '', storage, endpoint: endpointOf(storage),
        });
      }
      return points;
    });
    p.catch(() => modelCache.delete(modelId));  // a failed read is tried again next time
    modelCache.set(modelId, p);
  }
  return modelCache.get(modelId);
}

// Reads every page of one device's points from one data service path: Map pointId → {ts:[], values:[], local:[]}.
async function readHistory(endpoint, assetId, pointIds, start, end) {
  const out = new Map(pointIds.map((p) => [p, { ts: [], values: [], local: [], truncated: false }]));
  const pageSize = Math.min(100000, Math.floor(kMaxValuesPerRequest / pointIds.length));
  let cursor;
  let pages = 0;
  for (;;) {
    const body = { assetIds: assetId, pointIds: pointIds.join(','), startTime: start, endTime: end, pageSize, itemFormat: 2 };
    if (cursor) body.cursor = cursor;
    const data = await get(endpoint, { body });
    pages++;
    for (const item of data.items || []) {
      const s = out.get(item.pointId);
      if (!s) continue;
      const ts = item.timestamp || [];
      const vs = item.value || [];
      const ls = item.localtime || [];
      for (let i = 0; i < ts.length; i++) {
        s.ts.push(ts[i]);
        s.values.push(vs[i]);
        s.local.push(ls[i]);
      }
    }
    cursor = data.cursor;
    if (!cursor) break;
    if ([...out.values()].some((s) => s.ts.length >= kMaxValuesPerSeries)) {
      for (const s of out.values()) s.truncated = true;
      break;
    }
  }
  return { series: out, pages };
}

// Windows [start + k*interval, start + (k+1)*interval) reported at their start, as the data service's
// aggregates are; windows without values are left out.
export function aggregate(ts, values, start, intervalMs, fn) {
  const outTs = [];
  const outV = [];
  let win = -1;
  let acc = null;
  const flush = () => {
    if (!acc) return;
    outTs.push(start + win * intervalMs);
    outV.push(fn === 'avg' ? acc.sum / acc.count : acc[fn]);
  };
  for (let i = 0; i < ts.length; i++) {
    const v = values[i];
    const num = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : NaN;
    if (Number.isNaN(num) && fn !== 'count' && fn !== 'first' && fn !== 'last') continue;
    const k = Math.floor((ts[i] - start) / intervalMs);
    if (k !== win) {
      flush();
      win = k;
      acc = { count: 0, sum: 0, min: Infinity, max: -Infinity, first: v, last: v };
    }
    acc.count++;
    acc.sum += num;
    if (num < acc.min) acc.min = num;
    if (num > acc.max) acc.max = num;
    acc.last = v;
  }
  flush();
  return { ts: outTs, values: outV };
}

function csvField(v) {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function pad(n) {
  return String(n).padStart(2, '0');
}

// "YYYY-MM-DD HH:mm:ss" of an instant already shifted to the wanted zone (read as UTC).
function localText(shiftedMs) {
  const d = new Date(shiftedMs);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function toLocalInput(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

route('/insight', (el) => {
  const state = {
    range: '1h', from: toLocalInput(Date.now() - 3600e3), to: toLocalInput(Date.now()),
    devices: [],     // {assetId, name, modelId, points: Map}
    dataType: 'ALL', agg: 'avg', interval: 5,
    selected: [],    // [{assetId, pointId}], in the order picked
    pointFilter: '',
    tab: 'chart',
  };
  let result = null;  // {series: [{assetId, device, pointId, label, ts, values, local, numeric}], start, end, ...}
  let chart = null;
  let seq = 0;
  let alive = true;

  // ---- the three boxes at the top ----
  const rangeBox = h('div.insight-box');
  const deviceBox = h('div.insight-box.insight-devices');
  const typeBox = h('div.insight-box');
  const pointPane = h('aside.insight-points.panel');
  const tabBar = h('div.tabs', { role: 'tablist' });
  const tabPanel = h('div.insight-tab-panel');
  const latestBox = h('div.insight-latest');

  function drawRange() {
    const buttons = ['1h', '1D', '3D', 'custom'].map((r) =>
      h('button.insight-range' + (state.range === r ? '.active' : ''), {
        type: 'button', dataset: { range: r }, onclick: () => { state.range = r; drawRange(); reload(); },
      }, t('insight.range.' + r)));
    const custom = state.range === 'custom'
      ? h('div.insight-custom',
        h('label', t('insight.from'), ' ', h('input.insight-from', {
          type: 'datetime-local', step: 1, value: state.from, onchange: (e) => { state.from = e.target.value; reload(); } })),
        h('label', t('insight.to'), ' ', h('input.insight-to', {
          type: 'datetime-local', step: 1, value: state.to, onchange: (e) => { state.to = e.target.value; reload(); } })))
      : null;
    mount(rangeBox, h('div.insight-box-title', t('insight.range')), h('div.insight-seg', buttons), custom);
  }

  const deviceInput = h('input.insight-device-search', { type: 'search', placeholder: t('insight.deviceSearch') });
  const deviceResults = h('div.insight-results');
  const deviceTitle = h('div.insight-box-title');
  const deviceChosen = h('div.insight-chosen');
  let searchSeq = 0;
  async function searchDevices() {
    const mine = ++searchSeq;
    try {
      const q = deviceInput.value.trim();
      const { items } = await search('/connect-service/v2.1/devices', q ? { deviceName: q } : {}, { pageSize: 8 });
      if (mine !== searchSeq || !alive) return;
      mount(deviceResults, items.length ? items.map((d) => {
        const name = i18nText(d.deviceName, lang());
        const taken = state.devices.some((x) => x.assetId === d.assetId);
        return h('button.insight-result', {
          type: 'button', disabled: taken, dataset: { assetId: d.assetId },
          onclick: () => addDevice({ assetId: d.assetId, name, modelId: d.modelId }),
        }, name, h('span.muted', ' ' + d.assetId));
      }) : h('div.muted', t('common.none')));
    } catch (e) {
      if (mine === searchSeq) mount(deviceResults, h('div.error', errorText(e)));
    }
  }
  deviceInput.addEventListener('input', debounce(searchDevices, 200));

  async function addDevice(d) {
    if (state.devices.some((x) => x.assetId === d.assetId)) return;
    if (state.devices.length >= kMaxDevices) {
      toast(t('insight.maxDevices'), 'error');
      return;
    }
    const entry = { ...d, points: null };
    state.devices.push(entry);
    drawDevices();
    try {
      entry.points = await storedPoints(d.modelId);
    } catch (e) {
      entry.points = new Map();
      toast(e, 'error');
    }
    if (alive) drawPoints();
  }

  function drawDevices() {
    deviceTitle.textContent = t('insight.devices', { n: state.devices.length });
    mount(deviceChosen, state.devices.map((d) => h('span.insight-tag', { dataset: { assetId: d.assetId } }, d.name,
      h('button.icon', {
        type: 'button', 'aria-label': t('insight.remove') + ' ' + d.name,
        onclick: () => {
          state.devices = state.devices.filter((x) => x !== d);
          state.selected = state.selected.filter((s) => s.assetId !== d.assetId);
          drawDevices();
          drawPoints();
          reload();
        },
      }, '×'))));
    searchDevices();
  }

  function drawType() {
    const types = ['ALL', 'AI', 'DI', 'PI'].map((ty) =>
      h('button.insight-type' + (state.dataType === ty ? '.active' : ''), {
        type: 'button', dataset: { type: ty },
        onclick: () => {
          state.dataType = ty;
          state.selected = state.selected.filter((s) => pointMatches(pointInfo(s)));
          drawType();
          drawPoints();
          reload();
        },
      }, ty === 'ALL' ? t('insight.all') : ty));
    const aggregated = state.dataType === 'AI' || state.dataType === 'PI';
    const controls = aggregated ? h('div.insight-agg',
      h('label', t('insight.agg'), ' ', select(kAggregations, state.agg, {
        class: 'insight-agg-fn', onchange: (e) => { state.agg = e.target.value; reload(); } })),
      h('label', t('insight.interval'), ' ', select(kIntervals.map((m) => [m, m === 60 ? t('insight.hour') : t('insight.minutes', { n: m })]),
        state.interval, { class: 'insight-interval', onchange: (e) => { state.interval = Number(e.target.value); reload(); } })))
      : null;
    mount(typeBox, h('div.insight-box-title', t('insight.dataType')), h('div.insight-seg', types), controls);
  }

  function pointInfo(s) {
    const d = state.devices.find((x) => x.assetId === s.assetId);
    return d && d.points ? d.points.get(s.pointId) : null;
  }

  function pointMatches(info) {
    if (!info) return false;
    if (state.dataType === 'ALL') return true;
    return info.signalType === state.dataType;
  }

  // ---- the left pane: points per device as chips ----
  const pointSearch = h('input.insight-point-search', {
    type: 'search', placeholder: t('insight.pointSearch'),
    oninput: (e) => { state.pointFilter = e.target.value.trim().toLowerCase(); drawPoints(); },
  });
  const pointTitle = h('span.insight-box-title');
  const pointGroups = h('div.insight-point-groups');
  function drawPoints() {
    pointTitle.textContent = t('insight.points', { n: state.selected.length });
    if (!state.devices.length) {
      mount(pointGroups, h('p.muted', t('insight.noDevices')));
      return;
    }
    mount(pointGroups, state.devices.map((d) => {
      let chips;
      if (!d.points) chips = h('div.muted', t('common.loading'));
      else {
        const shown = [...d.points.values()].filter((p) => pointMatches(p)).filter((p) => {
          if (!state.pointFilter) return true;
          return p.id.toLowerCase().includes(state.pointFilter) || i18nText(p.name, lang()).toLowerCase().includes(state.pointFilter);
        });
        chips = shown.length ? h('div.chips', shown.map((p) => {
          const on = state.selected.some((s) => s.assetId === d.assetId && s.pointId === p.id);
          const name = i18nText(p.name, lang()) || p.id;
          return h('button.chip' + (on ? '.selected' : ''), {
            type: 'button', title: `${p.id} · ${p.signalType} · ${p.storage.join(', ')}`,
            dataset: { assetId: d.assetId, point: p.id }, 'aria-pressed': on ? 'true' : 'false',
            onclick: () => togglePoint(d.assetId, p.id),
          }, name === p.id ? p.id : `${name} (${p.id})`);
        })) : h('div.muted', t('insight.noPoints'));
      }
      return h('div.insight-point-group', h('div.insight-device-name', d.name, h('span.muted', ' ' + d.assetId)), chips);
    }));
  }

  function togglePoint(assetId, pointId) {
    const i = state.selected.findIndex((s) => s.assetId === assetId && s.pointId === pointId);
    if (i >= 0) state.selected.splice(i, 1);
    else if (state.selected.length >= kMaxPoints) {
      toast(t('insight.maxPoints'), 'error');
      return;
    } else state.selected.push({ assetId, pointId });
    drawPoints();
    reload();
  }

  // ---- reading the data ----
  function timeWindow() {
    const now = Date.now();
    if (state.range === '1h') return [now - 3600e3, now];
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    if (state.range === '1D') return [midnight.getTime(), now];
    if (state.range === '3D') return [midnight.setDate(midnight.getDate() - 2), now];
    const from = new Date(state.from).getTime();
    const to = new Date(state.to).getTime();
    if (!state.from || !state.to || Number.isNaN(from) || Number.isNaN(to) || from >= to) return null;
    return [from, to];
  }

  async function load() {
    const mine = ++seq;
    destroyChart();
    if (!state.selected.length) {
      result = null;
      drawTab();
      drawLatest();
      return;
    }
    const win = timeWindow();
    if (!win) {
      result = { error: t('insight.badRange') };
      drawTab();
      return;
    }
    mount(tabPanel, h('div.loading', t('insight.loadingData')));
    const [start, end] = win;
    const t0 = performance.now();
    try {
      // One read per device and data service path, each followed to its last page.
      const groups = new Map();
      for (const s of state.selected) {
        const info = pointInfo(s);
        if (!info || !info.endpoint) continue;
        const key = info.endpoint + '\n' + s.assetId;
        if (!groups.has(key)) groups.set(key, { endpoint: info.endpoint, assetId: s.assetId, points: [] });
        groups.get(key).points.push(s.pointId);
      }
      const reads = await Promise.all([...groups.values()].map((g) =>
        readHistory(g.endpoint, g.assetId, g.points, start, end).then((r) => ({ ...g, ...r }))));
      if (mine !== seq || !alive) return;
      const aggregated = state.dataType === 'AI' || state.dataType === 'PI';
      const series = [];
      let pages = 0;
      for (const s of state.selected) {
        const read = reads.find((r) => r.assetId === s.assetId && r.points.includes(s.pointId));
        if (!read) continue;
        const raw = read.series.get(s.pointId);
        const device = state.devices.find((d) => d.assetId === s.assetId);
        let ts = raw.ts;
        let values = raw.values;
        let local = raw.local;
        let label = `${device.name} · ${s.pointId}`;
        if (aggregated) {
          const a = aggregate(ts, values, start, state.interval * 60000, state.agg);
          // Windows are shown in the asset's local time too: its offset as the server reported it for the first
          // value read (a zone with DST may be an hour off for windows across the change).
          // (localtime has whole seconds: the offset is rounded to the minute zones are made of).
          const offset = ts.length ? Math.round((Date.parse(String(raw.local[0]).replace(' ', 'T') + 'Z') - ts[0]) / 60000) * 60000 : NaN;
          local = a.ts.map((w) => (Number.isNaN(offset) ? formatTime(w) : localText(w + offset)));
          ts = a.ts;
          values = a.values;
          label = `${device.name} · ${state.agg}(${s.pointId})`;
        }
        const agg = state.agg;
        series.push({
          assetId: s.assetId, device: device.name, pointId: s.pointId, label, ts, values, local, aggregated, agg,
          truncated: raw.truncated, info: pointInfo(s),
        });
      }
      for (const r of reads) pages += r.pages;
      result = { series, start, end, pages, fetchMs: performance.now() - t0 };
      drawTab();
      drawLatest();
    } catch (e) {
      if (mine !== seq || !alive) return;
      result = { error: errorText(e) };
      drawTab();
    }
  }
  const reload = debounce(load, 120);

  // ---- the tabs ----
  function destroyChart() {
    if (chart) chart.destroy();
    chart = null;
  }

  function drawTabBar() {
    mount(tabBar, [['chart', t('insight.chart')], ['list', t('insight.list')]].map(([id, label]) =>
      h('button.tab' + (state.tab === id ? '.active' : ''), {
        type: 'button', role: 'tab', dataset: { tab: id },
        onclick: () => { state.tab = id; drawTabBar(); drawTab(); },
      }, label)));
  }

  function drawTab() {
    destroyChart();
    if (!result) {
      mount(tabPanel, h('p.muted.insight-empty', t('insight.pickPoints')));
      return;
    }
    if (result.error) {
      mount(tabPanel, h('div.error.insight-error', result.error));
      return;
    }
    if (state.tab === 'chart') drawChart();
    else drawList();
  }

  function drawChart() {
    const drawable = [];
    const skipped = [];
    for (const [color, s] of result.series.entries()) {
      // The chart takes numbers only; strings, arrays and structs stay in the data list.
      const ts = new Float64Array(s.ts.length);
      const ys = new Float64Array(s.ts.length);
      let n = 0;
      let other = 0;
      for (let i = 0; i < s.ts.length; i++) {
        const v = s.values[i];
        const num = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : NaN;
        if (!Number.isFinite(num)) { other++; continue; }
        ts[n] = s.ts[i];
        ys[n++] = num;
      }
      if (other && !n) skipped.push(s.label);
      else drawable.push({ label: s.label, color, ts: n === ts.length ? ts : ts.slice(0, n), values: n === ys.length ? ys : ys.slice(0, n) });
    }
    const total = drawable.reduce((a, s) => a + s.ts.length, 0);
    const stats = h('span.insight-stats.muted');
    const shown = h('span.insight-shown.mono');
    const toolbar = h('div.toolbar.insight-chart-bar',
      button(t('insight.resetZoom'), () => chart && chart.resetZoom(), { class: 'insight-reset-zoom' }),
      button(t('common.refresh'), () => load(), { class: 'insight-refresh' }),
      shown, stats);
    const box = h('div.insight-chart');
    const notes = [];
    if (result.series.some((s) => s.truncated)) notes.push(h('p.notice', t('insight.truncated', { n: kMaxValuesPerSeries })));
    if (skipped.length) notes.push(h('p.muted', t('insight.notNumeric', { names: skipped.join(', ') })));
    mount(tabPanel, toolbar, notes, box);
    if (!total) {
      window.__gridhubChartStats = { points: 0, series: 0, renderMs: 0, fetchMs: result.fetchMs, pages: result.pages };
      mount(box, h('p.muted.insight-empty', t('insight.noData')));
      return;
    }
    chart = insightChart(box, drawable, {
      onRendered: ({ points, series, renderMs }) => {
        // A documented hook for the browser test (and anyone measuring): what the last chart drew and how fast.
        window.__gridhubChartStats = { points, series, renderMs, fetchMs: result.fetchMs, pages: result.pages };
        stats.textContent = t('insight.stats', { points: points.toLocaleString('en-US'), series, ms: renderMs.toFixed(1) });
        stats.dataset.points = String(points);
      },
      onRange: (min, max) => {
        shown.textContent = `${formatTime(min)} – ${formatTime(max)}`;
      },
    });
  }

  // Rows of the data list: the series one after another (device×point, then time), read without copying.
  function rowCount() {
    return result.series.reduce((a, s) => a + s.ts.length, 0);
  }
  function rowAt(i) {
    for (const s of result.series) {
      if (i < s.ts.length) {
        return {
          local: s.local[i], ts: s.ts[i], device: s.device, assetId: s.assetId,
          point: s.aggregated ? `${s.agg}(${s.pointId})` : s.pointId, value: formatValue(s.values[i]),
        };
      }
      i -= s.ts.length;
    }
    return null;
  }

  function drawList() {
    const columns = [
      { label: t('insight.col.localTime'), key: 'local', className: 'mono' },
      { label: t('insight.col.timestamp'), key: 'ts', className: 'mono' },
      { label: t('insight.col.device'), key: 'device' },
      { label: t('insight.col.asset'), key: 'assetId', className: 'mono' },
      { label: t('insight.col.point'), key: 'point' },
      { label: t('insight.col.value'), key: 'value', className: 'num' },
    ];
    const paged = pagedTable({
      columns, pageSize: 20,
      fetchPage: async (pageNo, pageSize) => {
        const total = rowCount();
        const items = [];
        for (let i = (pageNo - 1) * pageSize; i < Math.min(total, pageNo * pageSize); i++) items.push(rowAt(i));
        return { items, total };
      },
    });
    mount(tabPanel, h('div.toolbar', button(t('insight.downloadCsv'), downloadCsv, { class: 'insight-csv' })), paged.el);
  }

  function downloadCsv() {
    const header = ['col.localTime', 'col.timestamp', 'col.device', 'col.asset', 'col.point', 'col.value']
      .map((k) => csvField(t('insight.' + k)));
    const lines = [header.join(',')];
    const total = rowCount();
    for (let i = 0; i < total; i++) {
      const r = rowAt(i);
      lines.push([r.local, r.ts, r.device, r.assetId, r.point, r.value].map(csvField).join(','));
    }
    const d = new Date();
    download(`data_insight_${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}.csv`, lines.join('\r\n') + '\r\n', 'text/csv');
  }

  // ---- latest values of the selected points (tsdb-service latest) ----
  let latestSeq = 0;
  async function drawLatest() {
    const mine = ++latestSeq;
    const refresh = button(t('common.refresh'), () => drawLatest(), { class: 'insight-latest-refresh' });
    const head = h('div.insight-latest-head', h('h2', t('insight.latest')), refresh);
    if (!state.selected.length) {
      mount(latestBox);
      return;
    }
    try {
      const byAsset = new Map();
      for (const s of state.selected) {
        if (!byAsset.has(s.assetId)) byAsset.set(s.assetId, []);
        byAsset.get(s.assetId).push(s.pointId);
      }
      const answers = await Promise.all([...byAsset].map(([assetId, pointIds]) =>
        get('/tsdb-service/v2.1/latest', { body: { assetIds: assetId, pointIds: pointIds.join(',') } })));
      if (mine !== latestSeq || !alive) return;
      const latest = new Map();
      for (const a of answers) for (const item of a.items || []) latest.set(item.assetId + '\n' + item.pointId, item);
      const rows = state.selected.map((s, i) => ({ s, i, info: pointInfo(s), item: latest.get(s.assetId + '\n' + s.pointId) }));
      mount(latestBox, head, table({
        columns: [
          { label: t('insight.col.point'), render: (r) => [seriesSwatch(r.i), ' ', r.s.pointId] },
          { label: t('insight.col.device'), render: (r) => state.devices.find((d) => d.assetId === r.s.assetId)?.name || '-' },
          { label: t('insight.col.asset'), render: (r) => r.s.assetId, className: 'mono' },
          { label: t('insight.col.type'), render: (r) => (r.info ? badge(r.info.signalType) : '-') },
          { label: t('insight.col.latest'), render: (r) => (r.item ? formatValue(r.item.value) : '-'), className: 'num' },
          { label: t('insight.col.unit'), render: (r) => r.info?.unit || '-' },
          { label: t('insight.col.updated'), render: (r) => (r.item ? r.item.localtime || formatTime(r.item.timestamp) : '-'), className: 'mono' },
        ],
        rows,
      }));
    } catch (e) {
      if (mine === latestSeq) mount(latestBox, head, h('div.error', errorText(e)));
    }
  }

  // ---- the page ----
  drawRange();
  drawType();
  drawDevices();
  drawPoints();
  drawTabBar();
  drawTab();
  mount(deviceBox, deviceTitle, deviceInput, deviceResults, deviceChosen,
    button(t('common.reset'), () => {
      state.devices = [];
      state.selected = [];
      drawDevices();
      drawPoints();
      reload();
    }, { class: 'insight-device-reset' }));
  mount(pointPane,
    h('div.insight-points-head', pointTitle, button(t('common.reset'), () => {
      state.selected = [];
      drawPoints();
      reload();
    }, { class: 'insight-point-reset' })),
    pointSearch, pointGroups);
  el.append(
    pageHeader(t('insight.title')),
    h('div.insight-bar', rangeBox, deviceBox, typeBox),
    h('div.insight-main', pointPane, h('section.insight-view.panel', tabBar, tabPanel, latestBox)));

  // #/insight?assetId=X opens with that device picked (the device page links here).
  const preset = currentQuery().get('assetId');
  if (preset) {
    search('/connect-service/v2.1/devices', { assetId: preset }, { pageSize: 1 })
      .then(({ items }) => items[0] && alive && addDevice({ assetId: items[0].assetId, name: i18nText(items[0].deviceName, lang()), modelId: items[0].modelId }))
      .catch((e) => toast(e, 'error'));
  }

  return () => {
    alive = false;
    seq++;
    destroyChart();
  };
});
