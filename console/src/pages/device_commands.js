// The Commands tab of a device (spec §5.3, docs/api_commands.md): invoke one of the model's services with a form
// generated from its input parameters (checked here before sending, then by the server against the model),
// show the device's answer, and the command history with states and cancel.
import { h, mount, formatTime, formatValue, i18nText } from '../core/dom.js';
import { t, lang, defineStrings } from '../core/i18n.js';
import { call, search, canWrite } from '../core/api.js';
import { button, select, input, checkbox, field, pagedTable, badge, toast, errorText, confirmDialog } from '../core/ui.js';

defineStrings({
  en: {
    'cmd.service': 'Service', 'cmd.noServices': 'The model has no services.', 'cmd.invoke': 'Invoke',
    'cmd.params': 'Input parameters', 'cmd.noParams': 'This service takes no parameters.',
    'cmd.timeout': 'Timeout (s)', 'cmd.pendingTtl': 'Pending TTL (s)',
    'cmd.pendingHint': '0 = send now and wait for the answer; more = queue until the device is online',
    'cmd.result': 'Result', 'cmd.sending': 'Waiting for the device…', 'cmd.code': 'Code',
    'cmd.output': 'Output', 'cmd.commandId': 'Request ID', 'cmd.queued': 'Queued as command {id}',
    'cmd.history': 'Command history', 'cmd.name': 'Service / point', 'cmd.content': 'Parameters',
    'cmd.response': 'Response', 'cmd.created': 'Created', 'cmd.state': 'State', 'cmd.cancel': 'Cancel',
    'cmd.confirmCancel': 'Cancel command {id}?', 'cmd.canceled': 'Command {id} canceled',
    'cmd.bad.int': '{p} must be an integer', 'cmd.bad.number': '{p} must be a number',
    'cmd.bad.min': '{p} must be ≥ {n}', 'cmd.bad.max': '{p} must be ≤ {n}', 'cmd.bad.minEx': '{p} must be > {n}',
    'cmd.bad.maxEx': '{p} must be < {n}', 'cmd.bad.json': '{p} must be JSON ({what})',
    'cmd.bad.required': '{p} is required', 'cmd.bad.long': '{p} is longer than {n} characters',
    'cmd.bad.date': '{p} must be a date yyyy-MM-dd or yyyy-MM-dd HH:mm:ss', 'cmd.bad.range': '{p} must be {a}..{b}',
    'cmd.state.1': 'Created', 'cmd.state.2': 'Canceled', 'cmd.state.3': 'Expired', 'cmd.state.4': 'Sent',
    'cmd.state.5': 'Succeeded', 'cmd.state.6': 'Failed', 'cmd.state.7': 'Timed out',
    'cmd.optional': 'optional',
  },
  zh: {
    'cmd.service': '服务', 'cmd.noServices': '模型中没有服务。', 'cmd.invoke': '调用',
    'cmd.params': '输入参数', 'cmd.noParams': '该服务没有输入参数。',
    'cmd.timeout': '超时（秒）', 'cmd.pendingTtl': '缓存时长（秒）',
    'cmd.pendingHint': '0 = 立即下发并等待应答；大于 0 = 缓存到设备上线再下发',
    'cmd.result': '调用结果', 'cmd.sending': '等待设备应答…', 'cmd.code': '返回码',
    'cmd.output': '输出', 'cmd.commandId': '请求 ID', 'cmd.queued': '已缓存为命令 {id}',
    'cmd.history': '命令记录', 'cmd.name': '服务/测点', 'cmd.content': '参数',
    'cmd.response': '响应', 'cmd.created': '创建时间', 'cmd.state': '状态', 'cmd.cancel': '撤销',
    'cmd.confirmCancel': '撤销命令 {id}？', 'cmd.canceled': '命令 {id} 已撤销',
    'cmd.bad.int': '{p} 必须是整数', 'cmd.bad.number': '{p} 必须是数字',
    'cmd.bad.min': '{p} 必须 ≥ {n}', 'cmd.bad.max': '{p} 必须 ≤ {n}', 'cmd.bad.minEx': '{p} 必须 > {n}',
    'cmd.bad.maxEx': '{p} 必须 < {n}', 'cmd.bad.json': '{p} 必须是 JSON（{what}）',
    'cmd.bad.required': '{p} 为必填项', 'cmd.bad.long': '{p} 超过 {n} 个字符',
    'cmd.bad.date': '{p} 必须是日期 yyyy-MM-dd 或 yyyy-MM-dd HH:mm:ss', 'cmd.bad.range': '{p} 必须在 {a}..{b} 之间',
    'cmd.state.1': '已创建', 'cmd.state.2': '已撤销', 'cmd.state.3': '已过期', 'cmd.state.4': '已下发',
    'cmd.state.5': '成功', 'cmd.state.6': '失败', 'cmd.state.7': '响应超时',
    'cmd.optional': '选填',
  },
});

const kCommands = '/connect-service/v2.1/commands';
const kStateKind = { 1: 'warn', 2: '', 3: 'bad', 4: 'warn', 5: 'ok', 6: 'bad', 7: 'bad' };
const kInt32 = [-2147483648, 2147483647];

class InputError extends Error {}

function definitionOf(p) {
  const d = p.dataDefinition;
  if (!d) return {};
  if (typeof d === 'object') return d;
  try { return JSON.parse(d) || {}; } catch { return {}; }
}

// One input per parameter, by data type. Returns {el, read()}; read() gives the value to send, undefined for an
// empty optional one, or throws an InputError naming the parameter.
function paramInput(p) {
  const def = definitionOf(p);
  const label = i18nText(p.name, lang()) || p.identifier;
  const req = !!(p.isRequired ?? p.required);
  const attrs = { name: p.identifier, 'aria-label': p.identifier };
  const fail = (key, vars = {}) => { throw new InputError(t(key, { p: p.identifier, ...vars })); };
  let el;
  let read;
  switch (p.dataType) {
    case 'INT': case 'TIMESTAMP': case 'FLOAT': case 'DOUBLE': {
      const integer = p.dataType === 'INT' || p.dataType === 'TIMESTAMP';
      el = input({ ...attrs, type: 'text', inputmode: integer ? 'numeric' : 'decimal', placeholder: p.dataType });
      read = () => {
        const s = el.value.trim();
        if (s === '') return req ? fail('cmd.bad.required') : undefined;
        if (integer ? !/^[+-]?\d+$/.test(s) : !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) fail(integer ? 'cmd.bad.int' : 'cmd.bad.number');
        const n = Number(s);
        if (integer && !Number.isSafeInteger(n)) fail('cmd.bad.int');
        if (p.dataType === 'INT' && (n < kInt32[0] || n > kInt32[1])) fail('cmd.bad.range', { a: kInt32[0], b: kInt32[1] });
        if (!Number.isFinite(n)) fail('cmd.bad.number');
        const min = def.minimum, max = def.maximum;
        if (typeof min === 'number') {
          if (def.exclusiveMinimum && !(n > min)) fail('cmd.bad.minEx', { n: min });
          if (!(n >= min)) fail('cmd.bad.min', { n: min });
        }
        if (typeof max === 'number') {
          if (def.exclusiveMaximum && !(n < max)) fail('cmd.bad.maxEx', { n: max });
          if (!(n <= max)) fail('cmd.bad.max', { n: max });
        }
        return n;
      };
      break;
    }
    case 'BOOL': {
      const desc = def.boolDesc || {};
      const opt = (v) => {
        const d = i18nText(desc[v], lang());
        return d ? `${v} (${d})` : v;
      };
      el = select([...(req ? [] : [['', '-']]), ['true', opt('true')], ['false', opt('false')]], req ? 'true' : '', attrs);
      read = () => (el.value === '' ? undefined : el.value === 'true');
      break;
    }
    case 'ENUM': {
      const entries = Object.entries(def.enumDesc || {});
      const intKeys = def.enumType ? def.enumType.toUpperCase() === 'INT' : entries.every(([k]) => /^-?\d+$/.test(k));
      el = select([...(req ? [] : [['', '-']]), ...entries.map(([k, v]) => [k, `${k} (${i18nText(v, lang()) || k})`])],
        req && entries.length ? entries[0][0] : '', attrs);
      read = () => {
        if (el.value === '') return req ? fail('cmd.bad.required') : undefined;
        return intKeys ? Number(el.value) : el.value;
      };
      break;
    }
    case 'STRUCT': case 'ARRAY': {
      el = h('textarea.dev-json-input', { ...attrs, rows: 3, placeholder: p.dataType === 'ARRAY' ? '[ ]' : '{ }' });
      read = () => {
        const s = el.value.trim();
        if (s === '') return req ? fail('cmd.bad.required') : undefined;
        let v;
        try { v = JSON.parse(s); } catch { fail('cmd.bad.json', { what: p.dataType }); }
        if (p.dataType === 'ARRAY' ? !Array.isArray(v) : (v === null || typeof v !== 'object' || Array.isArray(v))) fail('cmd.bad.json', { what: p.dataType });
        return v;
      };
      break;
    }
    default: {  // STRING, DATE, FILE
      el = input({ ...attrs, placeholder: p.dataType === 'DATE' ? 'yyyy-MM-dd HH:mm:ss' : p.dataType });
      read = () => {
        const s = el.value;
        if (s === '') return req ? fail('cmd.bad.required') : undefined;
        if (p.dataType === 'DATE' && !/^\d{4}-\d\d-\d\d( \d\d:\d\d:\d\d)?$/.test(s)) fail('cmd.bad.date');
        if (typeof def.maxLength === 'number' && [...s].length > def.maxLength) fail('cmd.bad.long', { n: def.maxLength });
        return s;
      };
    }
  }
  const unit = p.unit?.unitId ? ` [${p.unit.unitId}]` : '';
  const f = field(`${label === p.identifier ? label : `${label} (${p.identifier})`} · ${p.dataType}${unit}`, el, { required: req, hint: req ? null : t('cmd.optional') });
  return { el: f, input: el, read };
}

function boundedInt(el, label, lo, hi) {
  const s = el.value.trim();
  if (!/^\d+$/.test(s) || Number(s) < lo || Number(s) > hi) throw new InputError(t('cmd.bad.range', { p: label, a: lo, b: hi }));
  return Number(s);
}

// commandsTab(panel, {device, model}) → cleanup
export function commandsTab(panel, { device, model }) {
  const services = Object.values(model?.services || {});
  const dq = { productKey: device.productKey, deviceKey: device.deviceKey };
  let gone = false;

  const history = pagedTable({
    pageSize: 10,
    fetchPage: (pageNo, pageSize) => search(kCommands, {}, { pageNo, pageSize, query: dq }),
    rowAttrs: (c) => ({ dataset: { command: c.commandId } }),
    columns: [
      { label: t('cmd.commandId'), render: (c) => h('code', c.commandId) },
      { label: t('cmd.name'), render: (c) => c.tslIdentifier || i18nText(c.commandName, lang()) },
      { label: t('cmd.content'), render: (c) => h('code.dev-json', formatValue(c.inputData)) },
      { label: t('cmd.response'), className: 'dev-cmd-response', render: (c) => responseText(c) },
      { label: t('cmd.created'), render: (c) => formatTime(c.createTime) },
      { label: t('cmd.state'), render: (c) => badge(t('cmd.state.' + c.state), kStateKind[c.state] || '') },
      { label: t('common.actions'), render: (c) => (c.state === 1
        ? button(t('cmd.cancel'), () => cancel(c), { kind: 'danger', write: true, class: 'dev-cmd-cancel' }) : '') },
    ],
  });

  async function cancel(c) {
    if (!(await confirmDialog(t('cmd.confirmCancel', { id: c.commandId }), { danger: true }))) return;
    try {
      await call(kCommands, { action: 'cancel', query: { ...dq, commandId: c.commandId }, body: {} });
      toast(t('cmd.canceled', { id: c.commandId }));
    } catch (e) {
      toast(e, 'error');
    }
    history.reload();
  }

  const result = h('div.dev-cmd-result', { 'aria-live': 'polite' });
  const formBox = h('div.dev-cmd-form');
  let current = null;  // {service, inputs}
  const label = (s) => {
    const name = i18nText(s.name, lang());
    return name && name !== s.identifier ? `${name} (${s.identifier})` : s.identifier;
  };
  const picker = select(services.map((s) => [s.identifier, label(s)]),
    services[0]?.identifier, { 'aria-label': t('cmd.service'), class: 'dev-cmd-service', onchange: () => showService() });
  const timeout = input({ type: 'text', inputmode: 'numeric', value: '30', class: 'dev-cmd-timeout', 'aria-label': t('cmd.timeout') });
  const ttl = input({ type: 'text', inputmode: 'numeric', value: '0', class: 'dev-cmd-ttl', 'aria-label': t('cmd.pendingTtl') });
  const invokeBtn = button(t('cmd.invoke'), () => invoke(), { kind: 'primary', write: true, class: 'dev-cmd-invoke' });

  function showService() {
    const s = services.find((x) => x.identifier === picker.value);
    const inputs = (s?.inputData || []).map(paramInput);
    current = { service: s, inputs };
    mount(formBox,
      s?.desc ? h('p.muted', s.desc) : null,
      h('h3.dev-sub', t('cmd.params')),
      inputs.length ? inputs.map((i) => i.el) : h('p.muted', t('cmd.noParams')));
    if (!canWrite()) for (const i of inputs) i.input.disabled = true;
    result.replaceChildren();
  }

  async function invoke() {
    if (!current?.service) return;
    let inputData = {};
    let query;
    try {
      for (const [i, p] of current.service.inputData.entries()) {
        const v = current.inputs[i].read();
        if (v !== undefined) inputData[p.identifier] = v;
      }
      query = { ...dq, serviceId: current.service.identifier,
        timeout: boundedInt(timeout, t('cmd.timeout'), 1, 60), pendingTtl: boundedInt(ttl, t('cmd.pendingTtl'), 0, 172800) };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      mount(result, h('div.error.dev-cmd-error', e.message));
      return;
    }
    invokeBtn.disabled = true;
    mount(result, h('div.muted', t('cmd.sending')));
    try {
      // call() treats any code but 0 as an error; a device's own code (e.g. 1101) comes back the same way.
      const env = await call(kCommands, { action: 'invokeService', query, body: { inputData } });
      if (gone) return;
      const d = env.data || {};
      mount(result, h('div.dev-cmd-ok',
        h('div', h('strong', t('cmd.result') + ': '), badge('0 ' + (env.msg || 'OK'), 'ok'), ' ',
          h('span.muted', t('cmd.commandId') + ' '), h('code.dev-cmd-id', d.commandId ?? '-')),
        'outputData' in d
          ? h('div', h('strong', t('cmd.output') + ': '), h('code.dev-cmd-output', formatValue(d.outputData)))
          : h('div.muted', t('cmd.queued', { id: d.commandId }))));
    } catch (e) {
      if (gone) return;
      mount(result, h('div.error.dev-cmd-error', errorText(e)));
    } finally {
      if (!gone) {
        invokeBtn.disabled = false;
        history.reload(true);
      }
    }
  }

  if (!services.length) {
    mount(panel, h('p.muted', t('cmd.noServices')), h('h3.dev-sub', t('cmd.history')), history.el);
  } else {
    mount(panel,
      h('div.dev-cmd-grid',
        h('div.dev-cmd-left',
          field(t('cmd.service'), picker),
          formBox,
          h('div.dev-cmd-opts', field(t('cmd.timeout'), timeout), field(t('cmd.pendingTtl'), ttl, { hint: t('cmd.pendingHint') })),
          h('div.toolbar', invokeBtn)),
        h('div.dev-cmd-right', h('h3.dev-sub', t('cmd.result')), result)),
      h('div.toolbar.dev-cmd-history-head', h('h3.dev-sub', t('cmd.history')), button(t('common.refresh'), () => history.reload())),
      history.el);
    showService();
    if (!canWrite()) { timeout.disabled = true; ttl.disabled = true; picker.disabled = false; }
  }
  return () => { gone = true; };
}

function responseText(c) {
  if (c.replyCode === undefined || c.replyCode === null) {
    return c.errorCode ? h('span.error', String(c.errorCode)) : '-';
  }
  const parts = [String(c.replyCode)];
  if (c.replyMessage) parts.push(c.replyMessage);
  if (c.outputData !== null && c.outputData !== undefined) parts.push(formatValue(c.outputData));
  return h('code.dev-json', parts.join(' · '));
}
