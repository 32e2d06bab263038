// One device (#/devices/:productKey/:deviceKey, spec §5.3): the header with live status, and the tabs Basic
// information, Attributes, Measure points (live values), Commands (device_commands.js) and Events.
// One live watch serves the whole page: core/live.js sends a snapshot only to a device's first watcher, so the
// page keeps the latest values itself and the Measure points tab draws from them.
import { route } from '../core/router.js';
import { h, mount, formatTime, formatValue, i18nText, copyText } from '../core/dom.js';
import { t, lang, defineStrings } from '../core/i18n.js';
import { get, search } from '../core/api.js';
import { watch } from '../core/live.js';
import { pageHeader, button, tabs, infoList, secret, table, pagedTable, input, checkbox, toast, errorText, loading, readOnlyNotice } from '../core/ui.js';
import { statusBadge, deviceName, isOffset } from './devices.js';
import { commandsTab } from './device_commands.js';
import units from './units.json';

defineStrings({
  en: {
    'device.back': 'Device assets', 'device.model': 'Model', 'device.product': 'Product',
    'device.productKey': 'Product key', 'device.deviceKey': 'Device key', 'device.deviceSecret': 'Device secret',
    'device.tab.basic': 'Basic information', 'device.tab.attributes': 'Attributes', 'device.tab.points': 'Measure points',
    'device.tab.commands': 'Commands', 'device.tab.events': 'Events',
    'device.assetId': 'Asset ID', 'device.name': 'Device name', 'device.state': 'Current state',
    'device.added': 'Added time', 'device.activated': 'Activated time', 'device.lastOnline': 'Last online',
    'device.lastOffline': 'Last offline', 'device.timezone': 'Time zone / city', 'device.dst': 'DST',
    'device.description': 'Description', 'device.pointUpdated': 'Measure point last updated',
    'device.attr.name': 'Attribute name', 'device.identifier': 'Identifier', 'device.dataType': 'Data type',
    'device.unit': 'Unit', 'device.value': 'Latest value', 'device.attr.default': 'model default',
    'device.point.name': 'Point name', 'device.point.type': 'Point type', 'device.point.time': 'Last updated',
    'device.realtime': 'Real-time update', 'device.pointSearch': 'Search by point name or identifier',
    'device.points.count': '{shown} of {total} points', 'device.notFound': 'Device not found',
    'device.event.time': 'Time', 'device.event.key': 'Event', 'device.event.type': 'Type',
    'device.event.output': 'Output parameters', 'device.event.id': 'Event ID', 'device.live.off': 'live stream stopped',
  },
  zh: {
    'device.back': '设备资产', 'device.model': '模型', 'device.product': '产品',
    'device.productKey': 'Product Key', 'device.deviceKey': 'Device Key', 'device.deviceSecret': 'Device Secret',
    'device.tab.basic': '设备信息', 'device.tab.attributes': '属性', 'device.tab.points': '测点',
    'device.tab.commands': '命令', 'device.tab.events': '事件',
    'device.assetId': '资产 ID', 'device.name': '设备名称', 'device.state': '当前状态',
    'device.added': '添加时间', 'device.activated': '激活时间', 'device.lastOnline': '最近上线时间',
    'device.lastOffline': '最近离线时间', 'device.timezone': '时区/城市', 'device.dst': '夏令时',
    'device.description': '描述', 'device.pointUpdated': '测点最近更新时间',
    'device.attr.name': '属性名称', 'device.identifier': '标识符', 'device.dataType': '数据类型',
    'device.unit': '单位', 'device.value': '最新值', 'device.attr.default': '模型默认值',
    'device.point.name': '测点名称', 'device.point.type': '测点类型', 'device.point.time': '最近更新时间',
    'device.realtime': '实时刷新', 'device.pointSearch': '按测点名称或标识符搜索',
    'device.points.count': '{shown} / {total} 个测点', 'device.notFound': '设备不存在',
    'device.event.time': '时间', 'device.event.key': '事件', 'device.event.type': '类型',
    'device.event.output': '输出参数', 'device.event.id': '事件 ID', 'device.live.off': '实时连接已断开',
  },
});

const kDevices = '/connect-service/v2.1/devices';
const kProducts = '/connect-service/v2.1/products';
const kModels = '/model-service/v2.1/thing-models';
const kEvents = '/connect-service/v2.1/events';
const kLatest = '/connect-service/v2.1/measurepoints';
const kTabs = ['basic', 'attributes', 'points', 'commands', 'events'];
// Events are kept 90 days by default (--event-retention-days); the API's own default is one week.
const kEventWindowMs = 90 * 24 * 3600 * 1000;

// units.json (the models page's compact copy of the standard units): [[category, 分类, [[symbol, name, 名称]]]].
const unitIndex = new Map();
for (const [catEn, catZh, list] of Array.isArray(units) ? units : []) {
  for (const [symbol, nameEn, nameZh] of list || []) unitIndex.set(symbol, { catEn, catZh, nameEn, nameZh });
}

// "Category: name | symbol" (spec §5.3), or the symbol alone for a unit outside the standard list.
export function unitText(unit) {
  const id = unit && (unit.unitId ?? unit);
  if (!id || typeof id !== 'string') return '-';
  const u = unitIndex.get(id);
  if (!u) return id;
  return lang() === 'zh' ? `${u.catZh}: ${u.nameZh} | ${id}` : `${u.catEn}: ${u.nameEn} | ${id}`;
}

function setTabInAddress(id) {
  // replaceState does not fire hashchange: the page stays, a reload opens the same tab.
  const base = location.hash.split('?')[0];
  history.replaceState(null, '', id === 'basic' ? base : `${base}?tab=${id}`);
}

route('/devices/:productKey/:deviceKey', (el, params, query) => {
  const { productKey, deviceKey } = params;
  let gone = false;
  let stopLive = null;
  let tabsEl = null;
  // The page's live state: presence and the latest value of each point; tabs listen while they are open.
  const live = { online: null, points: new Map(), listeners: new Set() };
  const emit = (kind, arg) => { for (const fn of live.listeners) fn(kind, arg); };

  mount(el, loading());
  (async () => {
    let device, product = null, model = null;
    try {
      device = await get(kDevices, { action: 'get', query: { productKey, deviceKey } });
    } catch (e) {
      if (!gone) mount(el, pageHeader(t('device.notFound')), h('div.error', errorText(e)), h('a', { href: '#/devices' }, t('device.back')));
      return;
    }
    const [p, m] = await Promise.allSettled([
      get(kProducts, { action: 'get', query: { productKey } }),
      device.modelId ? get(kModels, { action: 'get', query: { modelId: device.modelId } }) : Promise.reject(new Error('no model')),
    ]);
    if (gone) return;
    if (p.status === 'fulfilled') product = p.value;
    if (m.status === 'fulfilled') model = m.value;
    else if (device.modelId) toast(m.reason, 'error');
    draw(device, product, model);
  })();

  function draw(device, product, model) {
    const badgeHolder = h('span.dev-status', statusBadge(device.status));
    live.online = device.status === 'online';
    const setStatus = (online) => {
      if (device.status === 'disable') return;
      device.status = online ? 'online' : (device.activeTime ? 'offline' : 'inactive');
      mount(badgeHolder, statusBadge(device.status));
    };
    stopLive = watch(productKey, deviceKey, {
      onSnapshot: (msg) => {
        if (gone) return;
        setStatus(!!msg.online);
        for (const [id, v] of Object.entries(msg.points || {})) {
          const old = live.points.get(id);
          if (!old || old.time <= v.time) live.points.set(id, { value: v.value, time: v.time });
        }
        emit('snapshot');
      },
      onPoints: (msg) => {
        if (gone) return;
        const changed = [];
        for (const [id, value] of Object.entries(msg.points || {})) {
          const old = live.points.get(id);
          // Frames of a batch post may arrive out of time order: keep the newest.
          if (old && old.time > msg.time) continue;
          live.points.set(id, { value, time: msg.time });
          changed.push(id);
        }
        if (!device.activeTime) device.activeTime = msg.time;
        emit('points', changed);
      },
      onPresence: (msg) => {
        if (gone) return;
        if (msg.online) { device.lastOnlineTime = msg.time; if (!device.activeTime) device.activeTime = msg.time; }
        else device.lastOfflineTime = msg.time;
        setStatus(!!msg.online);
        emit('presence');
      },
    });

    // The REST read covers a watch that gets no snapshot (core/live.js sends it to a device's first watcher only,
    // and the page just left may still hold one); the newer value of the two wins.
    get(kLatest, { action: 'queryLatest', query: { productKey, deviceKey }, body: {} }).then((list) => {
      if (gone) return;
      for (const x of list || []) {
        const old = live.points.get(x.measurepointId);
        if (!old || old.time < x.time) live.points.set(x.measurepointId, { value: x.value, time: x.time });
      }
      emit('snapshot');
    }).catch(() => { /* the live snapshot still comes */ });

    const name = deviceName(device);
    const modelId = device.modelId || product?.modelId || '';
    const header = h('div.dev-header.panel',
      h('div.dev-title', h('h1', name), badgeHolder),
      infoList([
        [t('device.model'), modelId ? h('a.dev-model-link', { href: '#/models/' + encodeURIComponent(modelId) }, modelId) : '-'],
        [t('device.product'), h('a.dev-product-link', { href: '#/products/' + encodeURIComponent(productKey) },
          i18nText(device.productName || product?.productName, lang()) || productKey)],
        [t('device.productKey'), h('code', productKey)],
        [t('device.deviceKey'), h('code', deviceKey)],
        // Read-only callers get no secret from the API.
        [t('device.deviceSecret'), device.deviceSecret ? secret(device.deviceSecret) : h('span.dev-no-secret', '-')],
      ]));

    const initial = kTabs.includes(query.get('tab')) ? query.get('tab') : 'basic';
    tabsEl = tabs([
      { id: 'basic', label: t('device.tab.basic'), render: (panel) => basicTab(panel, device, live) },
      { id: 'attributes', label: t('device.tab.attributes'), render: (panel) => attributesTab(panel, device, model) },
      { id: 'points', label: t('device.tab.points'), render: (panel) => pointsTab(panel, model, live) },
      { id: 'commands', label: t('device.tab.commands'), render: (panel) => commandsTab(panel, { device, model }) },
      { id: 'events', label: t('device.tab.events'), render: (panel) => eventsTab(panel, device, model) },
    ], initial, setTabInAddress);
    mount(el,
      h('div.dev-crumbs', h('a', { href: '#/devices' }, t('device.back')), ' / ', name),
      readOnlyNotice(),
      header, h('div.panel', tabsEl));
  }

  return () => {
    gone = true;
    if (tabsEl && tabsEl.dispose) tabsEl.dispose();
    live.listeners.clear();
    if (stopLive) stopLive();
  };
});

function basicTab(panel, device, live) {
  const render = () => {
    let newest = 0;
    for (const v of live.points.values()) newest = Math.max(newest, Number(v.time) || 0);
    mount(panel, infoList([
      [t('device.assetId'), h('code', device.assetId)],
      [t('device.name'), h('span', deviceName(device), ' ', h('button.link.dev-copy', { type: 'button',
        onclick: async () => toast((await copyText(deviceName(device))) ? t('common.copied') : deviceName(device)) }, t('common.copy')))],
      [t('device.state'), statusBadge(device.status)],
      [t('device.added'), formatTime(device.createTime || null)],
      [t('device.activated'), formatTime(device.activeTime || null)],
      [t('device.lastOnline'), formatTime(device.lastOnlineTime || null)],
      [t('device.lastOffline'), formatTime(device.lastOfflineTime || null)],
      [t('device.timezone'), device.timezone ? (isOffset(device.timezone) ? 'UTC' + device.timezone : device.timezone) : '-'],
      [t('device.dst'), device.dst ? t('common.yes') : t('common.no')],
      [t('device.pointUpdated'), formatTime(newest || null)],
      [t('device.description'), device.deviceDesc || '-'],
    ]));
  };
  const onLive = (kind) => { if (kind !== 'points') render(); };
  live.listeners.add(onLive);
  render();
  return () => live.listeners.delete(onLive);
}

function attributesTab(panel, device, model) {
  const values = device.deviceAttributes || {};
  const rows = Object.values(model?.attributes || {});
  mount(panel, table({
    columns: [
      { label: t('device.attr.name'), render: (a) => i18nText(a.name, lang()) || a.identifier },
      { label: t('device.identifier'), render: (a) => h('code', a.identifier) },
      { label: t('device.dataType'), render: (a) => a.dataType },
      { label: t('device.unit'), render: (a) => unitText(a.unit) },
      { label: t('device.value'), className: 'dev-attr-value', render: (a) => (a.identifier in values
        ? formatValue(values[a.identifier])
        : (a.defaultValue !== undefined && a.defaultValue !== null
          ? h('span.muted', formatValue(a.defaultValue) + ' (' + t('device.attr.default') + ')') : '-')) },
    ],
    rows,
    rowAttrs: (a) => ({ dataset: { attr: a.identifier } }),
  }));
}

// Measure points: the model's points with the latest values, updated in place (only the changed cells are
// written) while the "Real-time update" switch is on.
function pointsTab(panel, model, live) {
  const points = Object.values(model?.measurepoints || {});
  const cells = new Map();  // id -> {value, time}
  let realtime = true;
  let filter = '';
  const rows = points.map((p) => {
    const value = h('td.dev-point-value.num');
    const time = h('td.dev-point-time');
    cells.set(p.identifier, { value, time });
    const name = i18nText(p.name, lang()) || p.identifier;
    const tr = h('tr', { dataset: { point: p.identifier } },
      h('td', name), h('td', h('code', p.identifier)), h('td', p.dataType), h('td', p.signalType || '-'),
      h('td', unitText(p.unit)), value, time);
    tr.searchText = (name + '\n' + p.identifier).toLowerCase();
    return tr;
  });
  const paint = (id) => {
    const c = cells.get(id);
    if (!c) return;
    const v = live.points.get(id);
    c.value.textContent = v ? formatValue(v.value) : '-';
    c.time.textContent = v ? formatTime(v.time, true) : '-';
  };
  const paintAll = () => { for (const id of cells.keys()) paint(id); };
  const count = h('span.muted.dev-point-count');
  const applyFilter = () => {
    let shown = 0;
    for (const tr of rows) {
      const ok = !filter || tr.searchText.includes(filter);
      tr.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = t('device.points.count', { shown, total: rows.length });
  };
  const sw = checkbox(true, { class: 'dev-realtime', role: 'switch', 'aria-label': t('device.realtime'),
    onchange: () => { realtime = sw.checked; if (realtime) paintAll(); } });
  const box = input({ type: 'search', class: 'dev-point-search', placeholder: t('device.pointSearch'), 'aria-label': t('device.pointSearch'),
    oninput: () => { filter = box.value.trim().toLowerCase(); applyFilter(); } });
  const tbl = h('table.grid.dev-points',
    h('thead', h('tr', [t('device.point.name'), t('device.identifier'), t('device.dataType'), t('device.point.type'),
      t('device.unit'), t('device.value'), t('device.point.time')].map((l, i) => h('th', { class: i === 5 ? 'num' : null }, l)))),
    h('tbody', rows.length ? rows : h('tr', h('td.empty', { colspan: 7 }, t('common.none')))));
  mount(panel,
    h('div.toolbar', box, h('label.dev-switch-wrap', sw, h('span.dev-switch-track'), ' ', t('device.realtime')), count),
    tbl);
  applyFilter();
  paintAll();
  const onLive = (kind, changed) => {
    if (!realtime) return;
    if (kind === 'points') for (const id of changed) paint(id);
    else if (kind === 'snapshot') paintAll();
  };
  live.listeners.add(onLive);
  return () => live.listeners.delete(onLive);
}

function eventsTab(panel, device, model) {
  const events = model?.events || {};
  const q = { productKey: device.productKey, deviceKey: device.deviceKey };
  const paged = pagedTable({
    pageSize: 20,
    fetchPage: (pageNo, pageSize) => search(kEvents, { startTime: Date.now() - kEventWindowMs, endTime: Date.now() + 60000 },
      { pageNo, pageSize, query: q }),
    columns: [
      { label: t('device.event.time'), render: (e) => formatTime(e.timestamp, true) },
      { label: t('device.event.key'), render: (e) => {
        const name = i18nText(events[e.tslEventKey]?.name, lang());
        return name && name !== e.tslEventKey ? `${name} (${e.tslEventKey})` : e.tslEventKey;
      } },
      { label: t('device.event.type'), render: (e) => h('span.badge.' + ({ WARN: 'warn', ERROR: 'bad' }[e.tslEventType] || 'ok'), e.tslEventType) },
      { label: t('device.event.output'), render: (e) => h('code.dev-json', formatValue(e.output)) },
      { label: t('device.event.id'), render: (e) => e.eventId },
    ],
    rowAttrs: (e) => ({ dataset: { event: e.eventId } }),
  });
  mount(panel, h('div.toolbar', button(t('common.refresh'), () => paged.reload())), paged.el);
}
