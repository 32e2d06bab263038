// The device list (#/devices, spec §5.2): counters, filters and paging done by the server (10,000 devices stay
// quick), enable/disable, and the New device form that shows the new device's secret once.
import { route, navigate, currentQuery } from '../core/router.js';
import { h, mount, debounce, formatTime, i18nText, copyText } from '../core/dom.js';
import { t, lang, defineStrings } from '../core/i18n.js';
import { call, search, searchAll, get, canWrite } from '../core/api.js';
import { watch } from '../core/live.js';
import {
  pageHeader, button, badge, pagedTable, formDialog, modal, confirmDialog, input, select, checkbox, toast,
  readOnlyNotice, errorText, infoList,
} from '../core/ui.js';

defineStrings({
  en: {
    'devices.title': 'Device assets', 'devices.new': 'New device', 'devices.total': 'Total',
    'devices.activated': 'Activated', 'devices.online': 'Online', 'devices.product': 'Product',
    'devices.allProducts': 'All products', 'devices.status': 'Status', 'devices.allStatus': 'All statuses',
    'devices.status.online': 'Online', 'devices.status.offline': 'Offline', 'devices.status.inactive': 'Inactive',
    'devices.status.disable': 'Disabled', 'devices.searchBy': 'Search by', 'devices.field.name': 'Device name',
    'devices.field.deviceKey': 'Device key', 'devices.field.assetId': 'Asset ID',
    'devices.searchPlaceholder': 'Search', 'devices.perPage': '{n} / page', 'devices.assetId': 'Asset ID',
    'devices.name': 'Device name', 'devices.deviceKey': 'Device key', 'devices.lastOnline': 'Last online',
    'devices.enabled': 'Enabled', 'devices.enable': 'Enable', 'devices.disable': 'Disable',
    'devices.confirmEnable': 'Enable device {name}? It may connect again.',
    'devices.confirmDisable': 'Disable device {name}? Its connection is closed and it cannot log in until enabled.',
    'devices.enabledOk': 'Device {name} enabled', 'devices.disabledOk': 'Device {name} disabled',
    'devices.nameEn': 'Device name', 'devices.nameZh': 'Device name (Chinese)',
    'devices.keyHint': 'Optional: 4–64 letters, digits, _ - . : (generated when empty)',
    'devices.timezone': 'Time zone / city', 'devices.dst': 'Use DST',
    'devices.dstHint': 'Only cities observe daylight saving time; a fixed UTC offset never does.',
    'devices.description': 'Description', 'devices.created': 'Device created',
    'devices.createdNote': 'Copy the device secret now: it is shown only this once (the device needs it to log in).',
    'devices.productKey': 'Product key', 'devices.deviceSecret': 'Device secret',
    'devices.attributes': 'Required attributes', 'devices.badKey': 'The device key must be 4–64 letters, digits, _ - . :',
    'devices.badAttr': 'Attribute {id}: {why}', 'devices.noProducts': 'Create a product first.',
  },
  zh: {
    'devices.title': '设备资产', 'devices.new': '添加设备', 'devices.total': '设备总数',
    'devices.activated': '已激活设备', 'devices.online': '在线设备', 'devices.product': '产品',
    'devices.allProducts': '全部产品', 'devices.status': '状态', 'devices.allStatus': '全部状态',
    'devices.status.online': '在线', 'devices.status.offline': '离线', 'devices.status.inactive': '未激活',
    'devices.status.disable': '已禁用', 'devices.searchBy': '搜索字段', 'devices.field.name': '设备名称',
    'devices.field.deviceKey': 'Device Key', 'devices.field.assetId': '资产 ID',
    'devices.searchPlaceholder': '搜索', 'devices.perPage': '{n} 条/页', 'devices.assetId': '资产 ID',
    'devices.name': '设备名称', 'devices.deviceKey': 'Device Key', 'devices.lastOnline': '最近上线时间',
    'devices.enabled': '启用', 'devices.enable': '启用', 'devices.disable': '禁用',
    'devices.confirmEnable': '启用设备 {name}？设备可以重新连接。',
    'devices.confirmDisable': '禁用设备 {name}？设备连接将被断开，启用前无法登录。',
    'devices.enabledOk': '设备 {name} 已启用', 'devices.disabledOk': '设备 {name} 已禁用',
    'devices.nameEn': '设备名称', 'devices.nameZh': '设备名称（中文）',
    'devices.keyHint': '选填：4–64 位字母、数字、_ - . :（留空由系统自动生成）',
    'devices.timezone': '时区/城市', 'devices.dst': '使用夏令时',
    'devices.dstHint': '只有城市会使用夏令时；固定的 UTC 偏移不使用。',
    'devices.description': '描述', 'devices.created': '设备已创建',
    'devices.createdNote': '请立即复制设备密钥：它只显示这一次（设备登录需要它）。',
    'devices.productKey': 'Product Key', 'devices.deviceSecret': 'Device Secret',
    'devices.attributes': '必填属性', 'devices.badKey': 'Device Key 须为 4–64 位字母、数字、_ - . :',
    'devices.badAttr': '属性 {id}：{why}', 'devices.noProducts': '请先创建产品。',
  },
});

const kDevices = '/connect-service/v2.1/devices';
const kProducts = '/connect-service/v2.1/products';
const kModels = '/model-service/v2.1/thing-models';
export const kStatuses = ['online', 'offline', 'inactive', 'disable'];
const kPageSizes = [20, 50, 100];
const kTypingDelayMs = 250;
// The live stream watches at most 20 devices per connection (docs/api_live.md): the first 19 rows of the page
// get their status pushed (one place is for the watch kept while the rows change, see watchRows); larger pages
// show the rest as the search answered.
const kMaxLiveRows = 19;

// Fixed offsets (the lab's "UTC+08:00") and the cities people pick most; the server takes any IANA name.
const kOffsets = ['-12:00', '-11:00', '-10:00', '-09:00', '-08:00', '-07:00', '-06:00', '-05:00', '-04:00', '-03:00',
  '-02:00', '-01:00', '+00:00', '+01:00', '+02:00', '+03:00', '+03:30', '+04:00', '+05:00', '+05:30', '+06:00',
  '+07:00', '+08:00', '+09:00', '+09:30', '+10:00', '+11:00', '+12:00', '+13:00', '+14:00'];
const kCities = ['UTC', 'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Singapore', 'Asia/Tokyo', 'Asia/Seoul',
  'Asia/Kolkata', 'Asia/Dubai', 'Australia/Sydney', 'Europe/London', 'Europe/Berlin', 'Europe/Paris',
  'Europe/Madrid', 'Europe/Copenhagen', 'Europe/Moscow', 'Africa/Johannesburg', 'America/New_York',
  'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Sao_Paulo', 'America/Mexico_City'];
export const isOffset = (tz) => /^[+-]\d\d:\d\d$/.test(tz);

export function statusBadge(status) {
  const s = kStatuses.includes(status) ? status : 'inactive';
  return badge(t('devices.status.' + s), s === 'disable' ? 'disabled' : s);
}

export function deviceName(d) {
  return i18nText(d.deviceName, lang()) || d.deviceKey;
}

// A value shown in full with a copy button (the New device result: shown once, so not masked).
function copyable(value) {
  return h('span.dev-copyable', h('code', value),
    h('button.link.dev-copy', { type: 'button', onclick: async () => toast((await copyText(value)) ? t('common.copied') : value) },
      t('common.copy')));
}

async function count(body) {
  const { total } = await search(kDevices, body, { pageNo: 1, pageSize: 1 });
  return total;
}

route('/devices', (el) => {
  const q = currentQuery();
  const state = { productKey: q.get('productKey') || '', status: '', field: 'name', text: '', pageSize: 20 };
  let products = [];
  let gone = false;

  const counterEls = {
    total: h('div.n', '-'), activated: h('div.n', '-'), online: h('div.n', '-'),
  };
  const counters = h('div.counters',
    ['total', 'activated', 'online'].map((k) => h('div.counter', { dataset: { counter: k } },
      counterEls[k], h('div.label', t('devices.' + k)))));

  // Counters follow the product filter: three counts of one row each; a newer round wins over an older one.
  let countSeq = 0;
  async function loadCounters() {
    const mine = ++countSeq;
    const base = state.productKey ? { productKey: state.productKey } : {};
    try {
      const [total, inactive, online] = await Promise.all([
        count(base), count({ ...base, status: 'inactive' }), count({ ...base, status: 'online' })]);
      if (mine !== countSeq || gone) return;
      counterEls.total.textContent = total;
      counterEls.activated.textContent = total - inactive;
      counterEls.online.textContent = online;
    } catch (e) {
      if (mine === countSeq && !gone) toast(e, 'error');
    }
  }

  const productSelect = select([['', t('devices.allProducts')]], '', {
    'aria-label': t('devices.product'), class: 'dev-filter-product',
    onchange: () => { state.productKey = productSelect.value; reload(true); },
  });
  const statusSelect = select([['', t('devices.allStatus')], ...kStatuses.map((s) => [s, t('devices.status.' + s)])],
    '', { 'aria-label': t('devices.status'), class: 'dev-filter-status',
      onchange: () => { state.status = statusSelect.value; reload(); } });
  const fieldSelect = select([['name', t('devices.field.name')], ['deviceKey', t('devices.field.deviceKey')],
    ['assetId', t('devices.field.assetId')]], 'name', { 'aria-label': t('devices.searchBy'), class: 'dev-filter-field',
    onchange: () => { state.field = fieldSelect.value; if (state.text) reload(); } });
  const typed = debounce(() => {
    const v = searchBox.value.trim();
    if (v === state.text) return;
    state.text = v;
    reload();
  }, kTypingDelayMs);
  const searchBox = input({ type: 'search', placeholder: t('devices.searchPlaceholder'), 'aria-label': t('common.search'),
    class: 'dev-filter-text', oninput: typed, maxlength: 256 });
  const sizeSelect = select(kPageSizes.map((n) => [n, t('devices.perPage', { n })]), 20, {
    'aria-label': 'page size', class: 'dev-page-size',
    onchange: () => { state.pageSize = Number(sizeSelect.value); makeTable(); } });

  function filterBody() {
    const b = {};
    if (state.productKey) b.productKey = state.productKey;
    if (state.status) b.status = state.status;
    if (state.text) b[state.field === 'name' ? 'deviceName' : state.field] = state.text;
    return b;
  }

  const columns = [
    { label: t('devices.assetId'), render: (d) => h('code', d.assetId) },
    { label: t('devices.name'), render: (d) => h('a', { href: deviceHref(d) }, deviceName(d)) },
    { label: t('devices.deviceKey'), render: (d) => h('code', d.deviceKey) },
    { label: t('devices.product'), render: (d) => i18nText(d.productName, lang()) || d.productKey },
    { label: t('devices.status'), render: (d) => statusCell(d) },
    { label: t('devices.lastOnline'), render: (d) => formatTime(d.lastOnlineTime || null) },
    { label: t('devices.enabled'), render: (d) => enableSwitch(d) },
    { label: t('common.actions'), render: (d) => h('a.dev-view', { href: deviceHref(d) }, t('common.view')) },
  ];

  // Status cells of the rows on screen, kept current by presence frames of the live stream.
  const statusCells = new Map();  // "pk/dk" -> {d, el}
  const liveRows = new Map();  // "pk/dk" -> stop()
  const rowKey = (d) => d.productKey + '/' + d.deviceKey;
  const countersLater = debounce(() => !gone && loadCounters(), 500);
  function statusCell(d) {
    const cell = h('span.dev-status', statusBadge(d.status));
    statusCells.set(rowKey(d), { d, el: cell });
    return cell;
  }
  function liveStatus(k, online, time) {
    const c = statusCells.get(k);
    if (gone || !c || c.d.status === 'disable') return;
    const next = online ? 'online' : (c.d.status === 'inactive' ? 'inactive' : 'offline');
    if (online && time) c.d.lastOnlineTime = time;
    if (next === c.d.status) return;
    c.d.status = next;
    mount(c.el, statusBadge(next));
    countersLater();
  }
  // Changes the watched rows without letting the count fall to zero while the page is open (core/live.js closes
  // its socket at zero, see kLingerMs): one old watch is kept until the new ones are in, and an empty page keeps
  // its last watch. At most kMaxLiveRows + 1 watches at any moment.
  function watchRows(items) {
    const want = new Map(items.slice(0, kMaxLiveRows).map((d) => [rowKey(d), d]));
    const stale = [...liveRows.keys()].filter((k) => !want.has(k));
    const fresh = [...want.keys()].filter((k) => !liveRows.has(k));
    const keep = want.size ? stale.pop() : stale.length ? stale.shift() : undefined;
    for (const k of stale) { liveRows.get(k)(); liveRows.delete(k); }
    const add = (k) => {
      const d = want.get(k);
      liveRows.set(k, watch(d.productKey, d.deviceKey, {
        onSnapshot: (m) => liveStatus(k, !!m.online),
        onPresence: (m) => liveStatus(k, !!m.online, m.time),
      }));
    };
    for (const k of fresh) add(k);
    if (keep !== undefined && want.size) { liveRows.get(keep)(); liveRows.delete(keep); }
  }
  function stopRows() {
    const stops = [...liveRows.values()];
    liveRows.clear();
    for (const stop of stops) stop();
  }

  function enableSwitch(d) {
    const enabled = d.status !== 'disable';
    const box = checkbox(enabled, {
      class: 'dev-switch', role: 'switch', 'aria-label': (enabled ? t('devices.disable') : t('devices.enable')) + ' ' + d.deviceKey,
      disabled: !canWrite(), title: canWrite() ? null : t('common.readOnly'),
    });
    box.onchange = async () => {
      box.checked = enabled;  // the switch moves once the server agrees
      const name = deviceName(d);
      if (!(await confirmDialog(t(enabled ? 'devices.confirmDisable' : 'devices.confirmEnable', { name }), { danger: enabled }))) return;
      box.disabled = true;
      try {
        await call(kDevices, { action: enabled ? 'disable' : 'enable', query: { productKey: d.productKey, deviceKey: d.deviceKey }, body: {} });
        toast(t(enabled ? 'devices.disabledOk' : 'devices.enabledOk', { name }));
        table.reload();
        loadCounters();
      } catch (e) {
        toast(e, 'error');
        box.disabled = false;
      }
    };
    return h('label.dev-switch-wrap', box, h('span.dev-switch-track'));
  }

  const tableHolder = h('div.dev-table');
  let table = null;
  let fetchSeq = 0;
  function makeTable() {
    table = pagedTable({
      columns, pageSize: state.pageSize,
      fetchPage: async (pageNo, pageSize) => {
        const mine = ++fetchSeq;
        const page = await search(kDevices, filterBody(), { pageNo, pageSize });
        // Only the newest answer is drawn (pagedTable drops older ones): watch its rows, not a stale page's.
        if (mine === fetchSeq && !gone) {
          statusCells.clear();
          watchRows(page.items);
        }
        return page;
      },
      rowAttrs: (d) => ({ dataset: { deviceKey: d.deviceKey } }),
    });
    mount(tableHolder, table.el);
  }

  // Counters depend on the product only: other filters leave them alone.
  function reload(counts = false) {
    table.reload(true);
    if (counts) loadCounters();
  }

  mount(el,
    pageHeader(t('devices.title'),
      button(t('common.refresh'), () => { table.reload(); loadCounters(); }, { class: 'dev-refresh' }),
      button(t('devices.new'), () => newDevice(products, () => reload(true)), { kind: 'primary', write: true, class: 'dev-new' })),
    readOnlyNotice(),
    counters,
    h('div.toolbar.dev-filters', productSelect, statusSelect, fieldSelect, searchBox, h('div.dev-spacer'), sizeSelect),
    tableHolder);
  makeTable();
  loadCounters();

  searchAll(kProducts, {}).then((list) => {
    if (gone) return;
    products = list;
    for (const p of list) productSelect.append(h('option', { value: p.productKey }, i18nText(p.productName, lang()) || p.productKey));
    productSelect.value = state.productKey;
  }).catch((e) => !gone && toast(e, 'error'));

  return () => {
    gone = true;
    stopRows();
  };
});

export function deviceHref(d) {
  return '#/devices/' + encodeURIComponent(d.productKey) + '/' + encodeURIComponent(d.deviceKey);
}

// Reads one typed attribute value from its text box by the attribute's data type.
function parseAttr(text, dataType) {
  const s = text.trim();
  switch (dataType) {
    case 'INT': case 'TIMESTAMP': case 'LONG':
      if (!/^-?\d+$/.test(s)) throw new Error('an integer');
      return Number(s);
    case 'FLOAT': case 'DOUBLE': {
      const n = Number(s);
      if (s === '' || !Number.isFinite(n)) throw new Error('a number');
      return n;
    }
    case 'BOOL':
      if (s === 'true' || s === '1') return true;
      if (s === 'false' || s === '0') return false;
      throw new Error('true or false');
    case 'STRUCT': case 'ARRAY':
      try { return JSON.parse(s); } catch { throw new Error('JSON'); }
    case 'ENUM':
      return /^-?\d+$/.test(s) ? Number(s) : s;
    default:
      return s;
  }
}

// New device: product, i18n name, optional key, time zone or city with DST, description, and the model's
// required attributes (fetched when the product changes). onCreated(result) after the secret was shown.
function newDevice(products, onCreated) {
  if (!products.length) return toast(t('devices.noProducts'), 'error');
  const product = select(products.map((p) => [p.productKey, (i18nText(p.productName, lang()) || p.productKey) + ' (' + p.productKey + ')']),
    products[0].productKey, { name: 'productKey' });
  const nameEn = input({ name: 'nameEn', maxlength: 128 });
  const nameZh = input({ name: 'nameZh', maxlength: 128 });
  const key = input({ name: 'deviceKey', maxlength: 64, placeholder: 'auto' });
  const tz = h('select', { name: 'timezone' },
    h('optgroup', { label: 'UTC' }, kOffsets.map((o) => h('option', { value: o, selected: o === '+08:00' }, 'UTC' + o))),
    h('optgroup', { label: t('devices.timezone') }, kCities.map((c) => h('option', { value: c }, c))));
  const dst = checkbox(false, { name: 'dst', disabled: true });
  tz.onchange = () => {
    dst.disabled = isOffset(tz.value);
    dst.checked = !dst.disabled;
  };
  const desc = h('textarea', { name: 'deviceDesc', rows: 3, maxlength: 1000, style: { minHeight: '60px' } });
  const attrsBox = h('div.dev-attrs');
  let requiredAttrs = [];
  async function loadAttrs() {
    const p = products.find((x) => x.productKey === product.value);
    requiredAttrs = [];
    attrsBox.replaceChildren();
    if (!p?.modelId) return;
    try {
      const m = await get(kModels, { action: 'get', query: { modelId: p.modelId } });
      if (product.value !== p.productKey) return;
      requiredAttrs = Object.values(m.attributes || {}).filter((a) => a.isRequired);
      for (const a of requiredAttrs) {
        a.input = input({ name: 'attr-' + a.identifier, placeholder: a.dataType });
        attrsBox.append(h('label.field', h('span.field-label', `${i18nText(a.name, lang()) || a.identifier} (${a.identifier})`, h('span.req', ' *')), a.input));
      }
    } catch (e) {
      attrsBox.append(h('div.error', errorText(e)));
    }
  }
  product.onchange = loadAttrs;
  loadAttrs();

  formDialog({
    title: t('devices.new'),
    submitLabel: t('common.create'),
    fields: [
      { name: 'productKey', label: t('devices.product'), input: product, required: true },
      { name: 'nameEn', label: t('devices.nameEn'), input: nameEn, required: true },
      { name: 'nameZh', label: t('devices.nameZh'), input: nameZh },
      { name: 'deviceKey', label: t('devices.deviceKey'), input: key, hint: t('devices.keyHint') },
      { name: 'timezone', label: t('devices.timezone'), input: tz, required: true },
      { name: 'dst', label: t('devices.dst'), input: dst, hint: t('devices.dstHint') },
      { name: 'deviceDesc', label: t('devices.description'), input: desc },
      { name: 'attributes', label: '', input: attrsBox },
    ],
    submit: async (v) => {
      if (v.deviceKey && !/^[A-Za-z0-9_.:-]{4,64}$/.test(v.deviceKey)) throw new Error(t('devices.badKey'));
      const deviceAttributes = {};
      for (const a of requiredAttrs) {
        try {
          deviceAttributes[a.identifier] = parseAttr(a.input.value, a.dataType);
        } catch (e) {
          throw new Error(t('devices.badAttr', { id: a.identifier, why: e.message }));
        }
      }
      const body = {
        productKey: v.productKey,
        deviceName: { defaultValue: v.nameEn, i18nValue: { en_US: v.nameEn, ...(v.nameZh ? { zh_CN: v.nameZh } : {}) } },
        timezone: v.timezone,
        dst: isOffset(v.timezone) ? false : !!v.dst,
        deviceDesc: v.deviceDesc || '',
        ...(v.deviceKey ? { deviceKey: v.deviceKey } : {}),
        ...(requiredAttrs.length ? { deviceAttributes } : {}),
      };
      const created = await get(kDevices, { action: 'create', body });
      showCreated(created);
      onCreated(created);
    },
  });
}

function showCreated(d) {
  const m = modal({
    title: t('devices.created'),
    body: h('div.dev-created',
      h('div.notice', t('devices.createdNote')),
      infoList([
        [t('devices.assetId'), copyable(d.assetId)],
        [t('devices.productKey'), copyable(d.productKey)],
        [t('devices.deviceKey'), copyable(d.deviceKey)],
        [t('devices.deviceSecret'), copyable(d.deviceSecret)],
      ])),
    actions: [
      button(t('common.view'), () => { m.close(); navigate('/devices/' + encodeURIComponent(d.productKey) + '/' + encodeURIComponent(d.deviceKey)); }),
      button(t('common.done'), () => m.close(), { kind: 'primary' }),
    ],
  });
}
