// One model's page (#/models/:modelId): its header and validation switch, the feature table (attributes, measure
// points, services, events) edited in dialogs as a draft, and Publish / Discard draft / Export.
// Every edit sends the whole model (API format) to update?draft=true: the server keeps one draft per model, and
// devices stay validated against the published model until Publish.
import { route, navigate } from '../core/router.js';
import { h, mount, formatTime, i18nText, download } from '../core/dom.js';
import { t, lang, defineStrings } from '../core/i18n.js';
import { call, get, canWrite } from '../core/api.js';
import {
  pageHeader, button, table, tabs, modal, field, input, select, checkbox, badge, toast, errorText, infoList,
  confirmDialog, loading, readOnlyNotice,
} from '../core/ui.js';
import units from './units.json';
import { importDialog } from './models.js';

export const kModelsPath = '/model-service/v2.1/thing-models';

defineStrings({
  en: {
    'modelDetail.title': 'Model {id}', 'modelDetail.back': 'All models', 'modelDetail.publish': 'Publish',
    'modelDetail.discard': 'Discard draft', 'modelDetail.export': 'Export', 'modelDetail.delete': 'Delete model',
    'modelDetail.draftNotice': 'This model has an unpublished draft: the features below are the draft. Devices are validated against the published model until you publish.',
    'modelDetail.published': 'Model {id} published', 'modelDetail.discarded': 'Draft discarded',
    'modelDetail.draftSaved': 'Saved to the draft', 'modelDetail.deleted': 'Model {id} deleted',
    'modelDetail.confirmDiscard': 'Discard the draft of {id}? Its changes are lost.',
    'modelDetail.confirmPublish': 'Publish the draft of {id}? Devices are validated against it from now on.',
    'modelDetail.confirmDelete': 'Delete model {id}?', 'modelDetail.confirmDeleteFeature': 'Delete {kind} {id} (in the draft)?',
    'modelDetail.category': 'Category', 'modelDetail.created': 'Created', 'modelDetail.updated': 'Updated',
    'modelDetail.attributes': 'Attributes', 'modelDetail.measurepoints': 'Measure points',
    'modelDetail.services': 'Services', 'modelDetail.events': 'Events',
    'modelDetail.attribute': 'attribute', 'modelDetail.measurepoint': 'measure point', 'modelDetail.service': 'service',
    'modelDetail.event': 'event', 'modelDetail.add': 'Add {kind}', 'modelDetail.edit': 'Edit {kind} {id}',
    'modelDetail.identifier': 'Identifier', 'modelDetail.name': 'Name', 'modelDetail.nameEn': 'Name (English)',
    'modelDetail.nameZh': 'Name (Chinese)', 'modelDetail.dataType': 'Data type', 'modelDetail.unit': 'Unit',
    'modelDetail.noUnit': 'No unit', 'modelDetail.pointType': 'Point type', 'modelDetail.required': 'Required',
    'modelDetail.hasQuality': 'Quality indicator', 'modelDetail.defaultValue': 'Default value',
    'modelDetail.callType': 'Call type', 'modelDetail.eventType': 'Event type', 'modelDetail.input': 'Input parameters',
    'modelDetail.output': 'Output parameters', 'modelDetail.addParam': 'Add parameter', 'modelDetail.remove': 'Remove',
    'modelDetail.inherited': 'Inherited', 'modelDetail.minimum': 'Minimum', 'modelDetail.maximum': 'Maximum',
    'modelDetail.maxLength': 'Max length', 'modelDetail.enumValues': 'Values, one per line: value=label',
    'modelDetail.trueLabel': 'Label of true', 'modelDetail.falseLabel': 'Label of false',
    'modelDetail.itemType': 'Item type', 'modelDetail.structItems': 'Items (JSON list of parameters)',
    'modelDetail.badNumber': '{field} must be a number', 'modelDetail.badEnum': 'Enum line "{line}" is not value=label',
    'modelDetail.noEnum': 'An enum needs at least one value', 'modelDetail.badJson': '{field} is not valid JSON: {message}',
    'modelDetail.badId': 'Identifier "{id}" must be 1..64 characters of letters, digits, _ - .',
    'modelDetail.duplicateId': 'Identifier {id} is already used in this model',
    'modelDetail.duplicateParam': 'Parameter {id} appears twice', 'modelDetail.noParams': 'No parameters',
    'modelDetail.minAboveMax': 'Minimum is greater than maximum',
    'modelDetail.info': 'Info', 'modelDetail.warn': 'Warning', 'modelDetail.error': 'Error',
  },
  zh: {
    'modelDetail.title': '模型 {id}', 'modelDetail.back': '全部模型', 'modelDetail.publish': '发布',
    'modelDetail.discard': '放弃草稿', 'modelDetail.export': '导出模型', 'modelDetail.delete': '删除模型',
    'modelDetail.draftNotice': '该模型有未发布的草稿：下方为草稿中的功能定义。发布之前，设备数据仍按已发布的模型校验。',
    'modelDetail.published': '已发布模型 {id}', 'modelDetail.discarded': '已放弃草稿',
    'modelDetail.draftSaved': '已保存到草稿', 'modelDetail.deleted': '已删除模型 {id}',
    'modelDetail.confirmDiscard': '放弃 {id} 的草稿？草稿中的修改将丢失。',
    'modelDetail.confirmPublish': '发布 {id} 的草稿？此后设备数据按草稿中的定义校验。',
    'modelDetail.confirmDelete': '删除模型 {id}？', 'modelDetail.confirmDeleteFeature': '删除{kind} {id}（在草稿中）？',
    'modelDetail.category': '分类', 'modelDetail.created': '创建时间', 'modelDetail.updated': '更新时间',
    'modelDetail.attributes': '属性', 'modelDetail.measurepoints': '测点',
    'modelDetail.services': '服务', 'modelDetail.events': '事件',
    'modelDetail.attribute': '属性', 'modelDetail.measurepoint': '测点', 'modelDetail.service': '服务',
    'modelDetail.event': '事件', 'modelDetail.add': '新增{kind}', 'modelDetail.edit': '编辑{kind} {id}',
    'modelDetail.identifier': '标识符', 'modelDetail.name': '名称', 'modelDetail.nameEn': '名称（英文）',
    'modelDetail.nameZh': '名称（中文）', 'modelDetail.dataType': '数据类型', 'modelDetail.unit': '单位',
    'modelDetail.noUnit': '无单位', 'modelDetail.pointType': '测点类型', 'modelDetail.required': '必填',
    'modelDetail.hasQuality': '质量位', 'modelDetail.defaultValue': '默认值',
    'modelDetail.callType': '调用方式', 'modelDetail.eventType': '事件类型', 'modelDetail.input': '输入参数',
    'modelDetail.output': '输出参数', 'modelDetail.addParam': '新增参数', 'modelDetail.remove': '移除',
    'modelDetail.inherited': '继承', 'modelDetail.minimum': '最小值', 'modelDetail.maximum': '最大值',
    'modelDetail.maxLength': '最大长度', 'modelDetail.enumValues': '枚举值，每行一个：值=描述',
    'modelDetail.trueLabel': 'true 的描述', 'modelDetail.falseLabel': 'false 的描述',
    'modelDetail.itemType': '元素类型', 'modelDetail.structItems': '结构体成员（参数的 JSON 列表）',
    'modelDetail.badNumber': '{field}必须是数字', 'modelDetail.badEnum': '枚举行“{line}”不是 值=描述 的形式',
    'modelDetail.noEnum': '枚举至少需要一个值', 'modelDetail.badJson': '{field}不是有效的 JSON：{message}',
    'modelDetail.badId': '标识符“{id}”须为 1 到 64 个字母、数字或 _ - .',
    'modelDetail.duplicateId': '标识符 {id} 在该模型中已被使用',
    'modelDetail.duplicateParam': '参数 {id} 重复', 'modelDetail.noParams': '无参数',
    'modelDetail.minAboveMax': '最小值大于最大值',
    'modelDetail.info': '信息', 'modelDetail.warn': '告警', 'modelDetail.error': '故障',
  },
});

// {defaultValue, i18nValue} from the two names a form asks for; the default is the English one (or the Chinese).
export function i18nName(en, zh, fallback = '') {
  const i18nValue = {};
  if (en) i18nValue.en_US = en;
  if (zh) i18nValue.zh_CN = zh;
  return { defaultValue: en || zh || fallback, i18nValue };
}

export function validationBadge(on) {
  return badge(on ? t('models.on') : t('models.off'), on ? 'ok' : '');
}

// The data types the model module accepts (src/model/thing_model.cpp), and which of them carry what.
const kDataTypes = ['INT', 'FLOAT', 'DOUBLE', 'ENUM', 'BOOL', 'STRING', 'DATE', 'TIMESTAMP', 'STRUCT', 'ARRAY', 'FILE'];
const kRanged = new Set(['INT', 'FLOAT', 'DOUBLE', 'TIMESTAMP']);
const kNoUnit = new Set(['ENUM', 'STRUCT', 'ARRAY']);
const kArrayItems = ['INT', 'FLOAT', 'DOUBLE', 'STRING'];
const kPointTypes = ['AI', 'DI', 'PI', 'Generic'];
const kIdRule = /^[A-Za-z0-9_.-]{1,64}$/;

const kKinds = [
  { key: 'attributes', one: 'attribute' },
  { key: 'measurepoints', one: 'measurepoint' },
  { key: 'services', one: 'service' },
  { key: 'events', one: 'event' },
];

// ---------------------------------------------------------------- type editing

function unitSelect(current) {
  const sel = h('select.unit-select', { name: 'unit', 'aria-label': t('modelDetail.unit') });
  sel.append(h('option', { value: '' }, t('modelDetail.noUnit')));
  const known = new Set();
  const zh = lang() === 'zh';
  for (const [catEn, catZh, list] of units) {
    sel.append(h('optgroup', { label: zh ? catZh : catEn }, list.map(([unit, nameEn, nameZh]) => {
      known.add(unit);
      return h('option', { value: unit }, `${unit} · ${zh ? nameZh : nameEn}`);
    })));
  }
  // A unit outside the standard list (an imported model's) stays selectable rather than silently dropped.
  if (current && !known.has(current)) sel.prepend(h('option', { value: current }, current));
  sel.value = current || '';
  return sel;
}

function parseDefinition(d) {
  if (!d) return {};
  if (typeof d === 'object') return d;
  try {
    const v = JSON.parse(d);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

function numberOrNull(text, label) {
  const s = text.trim();
  if (s === '') return null;
  const n = Number(s);
  if (!Number.isFinite(n)) throw new Error(t('modelDetail.badNumber', { field: label }));
  return n;
}

// A type's editor: data type, unit, and what the type's dataDefinition holds. read() → {dataType,
// dataDefinition (JSON string or null), unit} or throws an Error whose message is for the person.
function typeEditor(spec = {}, { compact = false } = {}) {
  const dataType = select(kDataTypes, spec.dataType || 'DOUBLE', { name: 'dataType', 'aria-label': t('modelDetail.dataType') });
  const unit = unitSelect(spec.unit?.unitId || '');
  const multiplier = spec.unit?.multiplier || 'ONE';
  const def = parseDefinition(spec.dataDefinition);
  const initialType = spec.dataType || 'DOUBLE';
  const defBox = h('div.type-def');
  let readDef = () => null;

  function drawDefinition() {
    const type = dataType.value;
    const same = type === initialType;  // prefill from the existing definition only for the type it was made for
    const d = same ? def : {};
    defBox.replaceChildren();
    unit.disabled = kNoUnit.has(type);
    if (unit.disabled) unit.value = '';
    if (kRanged.has(type)) {
      const min = input({ name: 'minimum', inputmode: 'decimal', value: d.minimum ?? '', 'aria-label': t('modelDetail.minimum'), placeholder: t('modelDetail.minimum') });
      const max = input({ name: 'maximum', inputmode: 'decimal', value: d.maximum ?? '', 'aria-label': t('modelDetail.maximum'), placeholder: t('modelDetail.maximum') });
      defBox.append(compact ? h('div.row', min, max) : h('div.row', field(t('modelDetail.minimum'), min), field(t('modelDetail.maximum'), max)));
      readDef = () => {
        const lo = numberOrNull(min.value, t('modelDetail.minimum'));
        const hi = numberOrNull(max.value, t('modelDetail.maximum'));
        if (lo === null && hi === null) return null;
        if (lo !== null && hi !== null && lo > hi) throw new Error(t('modelDetail.minAboveMax'));
        const out = { exclusiveMinimum: !!d.exclusiveMinimum, exclusiveMaximum: !!d.exclusiveMaximum };
        if (lo !== null) out.minimum = lo;
        if (hi !== null) out.maximum = hi;
        return out;
      };
    } else if (type === 'ENUM') {
      const lines = Object.entries(d.enumDesc || {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : v?.defaultValue ?? ''}`);
      const area = h('textarea.enum-values', { name: 'enumValues', rows: compact ? 2 : 4, 'aria-label': t('modelDetail.enumValues'), placeholder: '0=success\n1=failure' });
      area.value = lines.join('\n');
      defBox.append(compact ? area : field(t('modelDetail.enumValues'), area));
      readDef = () => {
        const enumDesc = {};
        for (const raw of area.value.split('\n')) {
          const line = raw.trim();
          if (!line) continue;
          const i = line.indexOf('=');
          if (i <= 0) throw new Error(t('modelDetail.badEnum', { line }));
          enumDesc[line.slice(0, i).trim()] = { defaultValue: line.slice(i + 1).trim(), i18nValue: {} };
        }
        const keys = Object.keys(enumDesc);
        if (!keys.length) throw new Error(t('modelDetail.noEnum'));
        // All integer values make an INT enum, one string makes them all strings (the EnOS console's rule).
        return { enumType: keys.every((k) => /^-?\d+$/.test(k)) ? 'INT' : 'STRING', enumDesc };
      };
    } else if (type === 'BOOL') {
      const label = (v) => (typeof v === 'string' ? v : v?.defaultValue ?? '');
      const yes = input({ name: 'trueLabel', value: label(d.boolDesc?.true), placeholder: 'true', 'aria-label': t('modelDetail.trueLabel') });
      const no = input({ name: 'falseLabel', value: label(d.boolDesc?.false), placeholder: 'false', 'aria-label': t('modelDetail.falseLabel') });
      defBox.append(compact ? h('div.row', yes, no) : h('div.row', field(t('modelDetail.trueLabel'), yes), field(t('modelDetail.falseLabel'), no)));
      readDef = () => (yes.value.trim() || no.value.trim()
        ? { boolDesc: { true: { defaultValue: yes.value.trim(), i18nValue: {} }, false: { defaultValue: no.value.trim(), i18nValue: {} } } }
        : null);
    } else if (type === 'STRING') {
      const len = input({ name: 'maxLength', type: 'number', min: 1, max: 1024, value: d.maxLength ?? '', 'aria-label': t('modelDetail.maxLength'), placeholder: t('modelDetail.maxLength') });
      defBox.append(compact ? len : field(t('modelDetail.maxLength'), len));
      readDef = () => {
        const n = numberOrNull(len.value, t('modelDetail.maxLength'));
        return n === null ? null : { maxLength: n };
      };
    } else if (type === 'ARRAY') {
      const item = select(kArrayItems, d.itemType || 'DOUBLE', { name: 'itemType', 'aria-label': t('modelDetail.itemType') });
      defBox.append(compact ? item : field(t('modelDetail.itemType'), item));
      readDef = () => ({ itemType: item.value });
    } else if (type === 'STRUCT') {
      const area = h('textarea.struct-items', { name: 'structItems', rows: 4, 'aria-label': t('modelDetail.structItems') });
      area.value = JSON.stringify(d.items || [], null, 2);
      defBox.append(compact ? area : field(t('modelDetail.structItems'), area));
      readDef = () => {
        let items;
        try {
          items = JSON.parse(area.value || '[]');
        } catch (e) {
          throw new Error(t('modelDetail.badJson', { field: t('modelDetail.structItems'), message: e.message }));
        }
        return { items, allowAdditionalItem: !!d.allowAdditionalItem };
      };
    } else {
      readDef = () => null;
    }
  }
  dataType.addEventListener('change', drawDefinition);
  drawDefinition();
  const el = compact
    ? h('div.type-editor.compact', dataType, unit, defBox)
    : h('div.type-editor', field(t('modelDetail.dataType'), dataType), field(t('modelDetail.unit'), unit), defBox);
  return {
    el,
    read() {
      const d = readDef();
      const u = unit.value && !unit.disabled
        ? { unitId: unit.value, multiplier: unit.value === spec.unit?.unitId ? multiplier : 'ONE' }
        : null;
      return { dataType: dataType.value, dataDefinition: d === null ? null : JSON.stringify(d), unit: u };
    },
  };
}

// The parameter list of a service (input/output) or an event (output): one row per parameter.
function paramsEditor(params = [], title) {
  const rows = [];
  const list = h('div.params-list');
  const empty = h('div.muted.params-empty', t('modelDetail.noParams'));
  function add(p = {}) {
    const id = input({ name: 'paramId', value: p.identifier || '', placeholder: t('modelDetail.identifier'), 'aria-label': t('modelDetail.identifier') });
    const name = input({ name: 'paramName', value: i18nText(p.name, 'en') || '', placeholder: t('modelDetail.name'), 'aria-label': t('modelDetail.name') });
    const type = typeEditor(p, { compact: true });
    const req = checkbox(!!(p.isRequired ?? p.required), { name: 'paramRequired', 'aria-label': t('modelDetail.required') });
    const row = { id, name, type, req, p };
    row.el = h('div.param-row', id, name, type.el, h('label.check', req, ' ', t('modelDetail.required')),
      button(t('modelDetail.remove'), () => {
        rows.splice(rows.indexOf(row), 1);
        row.el.remove();
        empty.hidden = rows.length > 0;
      }, { class: 'link param-remove' }));
    rows.push(row);
    list.append(row.el);
    empty.hidden = true;
  }
  params.forEach(add);
  empty.hidden = rows.length > 0;
  const el = h('fieldset.params', h('legend', title), empty, list,
    button(t('modelDetail.addParam'), () => add(), { class: 'link param-add' }));
  return {
    el,
    read() {
      const seen = new Set();
      return rows.map((r) => {
        const identifier = r.id.value.trim();
        if (!kIdRule.test(identifier)) throw new Error(t('modelDetail.badId', { id: identifier }));
        if (seen.has(identifier)) throw new Error(t('modelDetail.duplicateParam', { id: identifier }));
        seen.add(identifier);
        const nm = r.name.value.trim();
        const name = r.p.name && typeof r.p.name === 'object' ? { ...r.p.name } : { defaultValue: '', i18nValue: {} };
        name.defaultValue = nm || identifier;
        return { identifier, name, ...r.type.read(), isRequired: r.req.checked };
      });
    },
  };
}

// ---------------------------------------------------------------- the feature dialog

function featureDialog(kind, working, existing, save) {
  const editing = !!existing;
  const e = existing || {};
  const kindLabel = t('modelDetail.' + kind.one);
  const idInput = input({ name: 'identifier', value: e.identifier || '', disabled: editing, maxlength: 64 });
  const nameEn = input({ name: 'nameEn', value: e.name?.i18nValue?.en_US || (editing ? e.name?.defaultValue : '') || '' });
  const nameZh = input({ name: 'nameZh', value: e.name?.i18nValue?.zh_CN || '' });
  const desc = h('textarea.feature-desc', { name: 'desc', rows: 2 });
  desc.value = e.desc || '';
  const parts = [
    field(t('modelDetail.identifier'), idInput, { required: true }),
    h('div.row', field(t('modelDetail.nameEn'), nameEn), field(t('modelDetail.nameZh'), nameZh)),
  ];
  let readKind = () => ({});
  if (kind.key === 'attributes' || kind.key === 'measurepoints') {
    const type = typeEditor(e.dataType ? e : { dataType: 'DOUBLE' });
    parts.push(type.el);
    if (kind.key === 'measurepoints') {
      const signal = select(kPointTypes, e.signalType || 'AI', { name: 'signalType' });
      const quality = checkbox(!!e.hasQuality, { name: 'hasQuality' });
      parts.splice(2, 0, field(t('modelDetail.pointType'), signal, { required: true }));
      parts.push(h('label.check', quality, ' ', t('modelDetail.hasQuality')));
      readKind = () => ({ ...type.read(), signalType: signal.value, hasQuality: quality.checked, isRequired: !!e.isRequired });
    } else {
      const req = checkbox(!!e.isRequired, { name: 'isRequired' });
      parts.push(h('label.check', req, ' ', t('modelDetail.required')));
      readKind = () => ({ ...type.read(), isRequired: req.checked, hasQuality: !!e.hasQuality });
    }
  } else if (kind.key === 'services') {
    const callType = select(['ASYNC', 'SYNC'], e.callType || 'ASYNC', { name: 'callType' });
    const inputs = paramsEditor(e.inputData || [], t('modelDetail.input'));
    const outputs = paramsEditor(e.outputData || [], t('modelDetail.output'));
    parts.push(field(t('modelDetail.callType'), callType), inputs.el, outputs.el);
    readKind = () => ({ callType: callType.value, inputData: inputs.read(), outputData: outputs.read() });
  } else {
    const eventType = select([['INFO', t('modelDetail.info')], ['WARN', t('modelDetail.warn')], ['ERROR', t('modelDetail.error')]],
      e.eventType || 'INFO', { name: 'eventType' });
    const outputs = paramsEditor(e.outputData || [], t('modelDetail.output'));
    parts.push(field(t('modelDetail.eventType'), eventType), outputs.el);
    readKind = () => ({ eventType: eventType.value, outputData: outputs.read() });
  }
  parts.push(field(t('common.description'), desc));
  const err = h('div.form-error', { role: 'alert' });
  const ok = button(t('common.save'), () => go(), { kind: 'primary', class: 'primary feature-save' });
  const m = modal({
    title: editing ? t('modelDetail.edit', { kind: kindLabel, id: e.identifier }) : t('modelDetail.add', { kind: kindLabel }),
    wide: kind.key === 'services' || kind.key === 'events',
    body: h('form.form.feature-form', { onsubmit: (ev) => { ev.preventDefault(); go(); } }, parts, err),
    actions: [button(t('common.cancel'), () => m.close()), ok],
  });
  async function go() {
    err.textContent = '';
    let element;
    try {
      const identifier = editing ? e.identifier : idInput.value.trim();
      if (!kIdRule.test(identifier)) throw new Error(t('modelDetail.badId', { id: identifier }));
      if (!editing && kKinds.some((k) => working[k.key] && working[k.key][identifier]))
        throw new Error(t('modelDetail.duplicateId', { id: identifier }));
      const name = { ...(e.name || {}), i18nValue: { ...(e.name?.i18nValue || {}) } };
      const en = nameEn.value.trim();
      const zh = nameZh.value.trim();
      if (en) name.i18nValue.en_US = en; else delete name.i18nValue.en_US;
      if (zh) name.i18nValue.zh_CN = zh; else delete name.i18nValue.zh_CN;
      name.defaultValue = en || zh || identifier;
      element = { ...e, identifier, name, desc: desc.value.trim(), ...readKind() };
      if (!element.tags) element.tags = {};
    } catch (x) {
      err.textContent = x.message;
      return;
    }
    ok.disabled = true;
    try {
      await save(element);
      m.close();
    } catch (x) {
      err.textContent = errorText(x);
    } finally {
      ok.disabled = false;
    }
  }
}

// ---------------------------------------------------------------- the page

function isInherited(model, kindKey, id) {
  return !!model.inherited?.[kindKey]?.includes(id);
}

// The model in the API format update takes: own features only (inherited ones come from the parent), and
// none of the registry's fields.
function updateBody(model) {
  const body = {
    modelId: model.modelId, name: model.name, desc: model.desc || '', category: model.category || '',
    tags: model.tags || {}, allowAdditionalAttribute: !!model.allowAdditionalAttribute,
    allowAdditionalMeasurepoint: !!model.allowAdditionalMeasurepoint,
  };
  for (const k of kKinds) {
    body[k.key] = {};
    for (const [id, e] of Object.entries(model[k.key] || {})) if (!isInherited(model, k.key, id)) body[k.key][id] = e;
  }
  return body;
}

function unitText(e) {
  if (!e.unit?.unitId) return '-';
  return e.unit.multiplier && e.unit.multiplier !== 'ONE' ? `${e.unit.unitId} (${e.unit.multiplier})` : e.unit.unitId;
}

function typeText(e) {
  if (e.dataType === 'ENUM') {
    const d = parseDefinition(e.dataDefinition);
    const values = Object.entries(d.enumDesc || {}).map(([k, v]) => `${k}:${typeof v === 'string' ? v : v?.defaultValue ?? ''}`);
    return values.length ? `ENUM {${values.join(', ')}}` : 'ENUM';
  }
  if (e.dataType === 'ARRAY') return `ARRAY<${parseDefinition(e.dataDefinition).itemType || '?'}>`;
  return e.dataType || '-';
}

function paramsText(list) {
  if (!list || !list.length) return '-';
  return h('ul.params-brief', list.map((p) => h('li', h('code', p.identifier), ' ', typeText(p), p.unit?.unitId ? ` (${p.unit.unitId})` : '')));
}

function featureColumns(kind) {
  const yesNo = (v) => (v ? t('common.yes') : t('common.no'));
  const cols = [
    { label: t('modelDetail.identifier'), render: (e) => h('code.feature-id', e.identifier) },
    { label: t('modelDetail.name'), render: (e) => i18nText(e.name, lang()) || '-' },
  ];
  switch (kind.key) {
    case 'attributes':
      cols.push({ label: t('modelDetail.dataType'), render: typeText }, { label: t('modelDetail.unit'), render: unitText, className: 'feature-unit' },
        { label: t('modelDetail.required'), render: (e) => yesNo(e.isRequired) });
      break;
    case 'measurepoints':
      cols.push({ label: t('modelDetail.pointType'), render: (e) => e.signalType || '-' }, { label: t('modelDetail.dataType'), render: typeText },
        { label: t('modelDetail.unit'), render: unitText, className: 'feature-unit' }, { label: t('modelDetail.hasQuality'), render: (e) => yesNo(e.hasQuality) });
      break;
    case 'services':
      cols.push({ label: t('modelDetail.input'), render: (e) => paramsText(e.inputData) }, { label: t('modelDetail.output'), render: (e) => paramsText(e.outputData) },
        { label: t('modelDetail.callType'), render: (e) => e.callType || '-' });
      break;
    default:
      cols.push({ label: t('modelDetail.eventType'), render: (e) => e.eventType || '-' }, { label: t('modelDetail.output'), render: (e) => paramsText(e.outputData) });
  }
  return cols;
}

function renderModel(el, modelId) {
  let activeTab = 'measurepoints';
  let alive = true;

  async function load() {
    mount(el, loading());
    let published;
    let draft = null;
    try {
      published = await get(kModelsPath, { action: 'get', query: { modelId } });
      if (published.hasDraft) draft = await get(kModelsPath, { action: 'get', query: { modelId, draft: 'true' } });
    } catch (e) {
      if (alive) mount(el, pageHeader(t('modelDetail.title', { id: modelId })), h('div.error', errorText(e)));
      return;
    }
    if (alive) draw(published, draft);
  }

  async function saveDraft(working) {
    await call(kModelsPath, { action: 'update', query: { modelId, draft: 'true' }, body: updateBody(working) });
    toast(t('modelDetail.draftSaved'));
    await load();
  }

  function draw(published, draft) {
    const hasDraft = !!published.hasDraft;
    // The features shown and edited: the draft's when there is one. inherited/registry fields come from get.
    const working = { ...published, ...(draft || {}), inherited: (draft && draft.inherited) || published.inherited };
    const write = canWrite();

    const validation = checkbox(published.validationEnabled, { class: 'model-validation', disabled: !write, 'aria-label': t('models.validation') });
    validation.addEventListener('change', async () => {
      validation.disabled = true;
      try {
        await call(kModelsPath, { action: 'update', query: { modelId }, body: { validationEnabled: validation.checked } });
        toast(`${t('models.validation')}: ${validation.checked ? t('models.on') : t('models.off')}`);
      } catch (e) {
        validation.checked = !validation.checked;
        toast(e, 'error');
      } finally {
        validation.disabled = !write;
      }
    });

    const actions = [
      button(t('models.import'), () => importDialog({ intoModelId: modelId, done: () => load() }),
        { write: true, class: 'model-import' }),
      button(t('modelDetail.export'), () => exportModel(), { class: 'model-export' }),
      button(t('modelDetail.delete'), async () => {
        if (!(await confirmDialog(t('modelDetail.confirmDelete', { id: modelId }), { danger: true }))) return;
        try {
          await call(kModelsPath, { action: 'delete', query: { modelId }, body: {} });
          toast(t('modelDetail.deleted', { id: modelId }));
          navigate('/models');
        } catch (e) {
          toast(e, 'error');
        }
      }, { kind: 'danger', write: true, class: 'danger model-delete' }),
      button(t('modelDetail.discard'), async () => {
        if (!(await confirmDialog(t('modelDetail.confirmDiscard', { id: modelId }), { danger: true }))) return;
        try {
          await call(kModelsPath, { action: 'discardDraft', query: { modelId }, body: {} });
          toast(t('modelDetail.discarded'));
          load();
        } catch (e) {
          toast(e, 'error');
        }
      }, { write: true, class: 'model-discard', disabled: !hasDraft }),
      button(t('modelDetail.publish'), async () => {
        if (!(await confirmDialog(t('modelDetail.confirmPublish', { id: modelId })))) return;
        try {
          await call(kModelsPath, { action: 'publish', query: { modelId }, body: {} });
          toast(t('modelDetail.published', { id: modelId }));
          load();
        } catch (e) {
          toast(e, 'error');
        }
      }, { kind: 'primary', write: true, class: 'primary model-publish', disabled: !hasDraft }),
    ];

    const info = infoList([
      [t('models.modelId'), h('code', modelId)],
      [t('models.name'), i18nText(working.name, lang()) || '-'],
      [t('models.parent'), published.parentModelId ? h('a', { href: '#/models/' + encodeURIComponent(published.parentModelId) }, published.parentModelId) : '-'],
      [t('models.validation'), h('label.switch', validation, ' ', validationBadge(published.validationEnabled))],
      [t('modelDetail.category'), working.category || '-'],
      [t('common.description'), working.desc || '-'],
      [t('modelDetail.created'), formatTime(published.createTime)],
      [t('modelDetail.updated'), formatTime(published.updateTime)],
    ]);

    const tabList = kKinds.map((kind) => {
      const count = Object.keys(working[kind.key] || {}).length;
      return {
        id: kind.key,
        label: `${t('modelDetail.' + kind.key)} (${count})`,
        render: (panel) => drawFeatures(panel, kind, working, write),
      };
    });
    mount(el,
      h('div.crumbs', h('a', { href: '#/models' }, t('modelDetail.back'))),
      pageHeader(t('modelDetail.title', { id: modelId }), actions),
      readOnlyNotice(),
      hasDraft ? h('div.notice.model-draft-notice', t('modelDetail.draftNotice')) : null,
      h('div.panel', info),
      h('div.panel.model-features', tabs(tabList, activeTab, (id) => (activeTab = id))));
  }

  function drawFeatures(panel, kind, working, write) {
    const rows = Object.values(working[kind.key] || {});
    const columns = featureColumns(kind);
    columns.push({
      label: t('common.actions'),
      className: 'feature-actions',
      render: (e) => (isInherited(working, kind.key, e.identifier)
        ? badge(t('modelDetail.inherited'))
        : h('span.row-actions',
          button(t('common.edit'), () => featureDialog(kind, working, e, (next) => saveDraft(withFeature(working, kind, next))), { class: 'link feature-edit', write: true }),
          button(t('common.delete'), async () => {
            if (!(await confirmDialog(t('modelDetail.confirmDeleteFeature', { kind: t('modelDetail.' + kind.one), id: e.identifier }), { danger: true }))) return;
            try {
              await saveDraft(withoutFeature(working, kind, e.identifier));
            } catch (x) {
              toast(x, 'error');
            }
          }, { class: 'link danger feature-delete', write: true }))),
    });
    mount(panel,
      h('div.toolbar', button(t('modelDetail.add', { kind: t('modelDetail.' + kind.one) }),
        () => featureDialog(kind, working, null, (next) => saveDraft(withFeature(working, kind, next))),
        { kind: 'primary', write: true, class: 'primary feature-add' })),
      table({ columns, rows, rowAttrs: (e) => ({ dataset: { identifier: e.identifier } }) }));
  }

  async function exportModel() {
    try {
      const doc = await get(kModelsPath, { action: 'export', query: { modelId } });
      download(modelId + '.json', JSON.stringify(doc, null, 2), 'application/json');
    } catch (e) {
      toast(e, 'error');
    }
  }

  load();
  return () => { alive = false; };
}

function withFeature(model, kind, element) {
  return { ...model, [kind.key]: { ...(model[kind.key] || {}), [element.identifier]: element } };
}

function withoutFeature(model, kind, id) {
  const map = { ...(model[kind.key] || {}) };
  delete map[id];
  return { ...model, [kind.key]: map };
}

route('/models/:modelId', (el, params) => renderModel(el, params.modelId));
