// The Models page (#/models): the OU's thing models, paged and searched by modelId; create a model, or import a
// console export file (the lab's step 1). The model's own page is model_detail.js.
import { route, navigate } from '../core/router.js';
import { h, mount, formatTime, i18nText, debounce } from '../core/dom.js';
import { t, lang, defineStrings } from '../core/i18n.js';
import { call, search, searchAll } from '../core/api.js';
import {
  pageHeader, button, pagedTable, formDialog, modal, field, input, select, checkbox, badge, toast, errorText,
  readOnlyNotice,
} from '../core/ui.js';
import { kModelsPath, i18nName, validationBadge } from './model_detail.js';

defineStrings({
  en: {
    'models.title': 'Models', 'models.new': 'New model', 'models.import': 'Import model',
    'models.searchId': 'Search by model ID', 'models.modelId': 'Model ID', 'models.name': 'Model name',
    'models.nameEn': 'Model name (English)', 'models.nameZh': 'Model name (Chinese)', 'models.parent': 'Parent model',
    'models.noParent': 'None', 'models.validation': 'Model validation', 'models.updated': 'Updated',
    'models.draft': 'Draft', 'models.hasDraft': 'Unpublished draft', 'models.on': 'On', 'models.off': 'Off',
    'models.created': 'Model {id} created', 'models.imported': 'Model {id} imported',
    'models.importFile': 'Model file (console JSON export)', 'models.importPaste': 'Or paste the JSON',
    'models.overwrite': 'Overwrite a model with the same ID',
    'models.importIntoDraft': 'The file\'s features replace those of {id} in its draft; {id} keeps its ID and name. Publish to apply them.', 'models.importEmpty': 'Choose a file or paste the JSON',
    'models.fileRead': 'Could not read the file: {message}', 'models.broken': 'Cannot load: {message}',
    'models.idHint': 'Letters, digits, _ - . (up to 64 characters)',
  },
  zh: {
    'models.title': '模型', 'models.new': '创建模型', 'models.import': '导入模型',
    'models.searchId': '按模型标识符搜索', 'models.modelId': '模型标识符', 'models.name': '模型名称',
    'models.nameEn': '模型名称（英文）', 'models.nameZh': '模型名称（中文）', 'models.parent': '父模型',
    'models.noParent': '无', 'models.validation': '模型校验', 'models.updated': '更新时间',
    'models.draft': '草稿', 'models.hasDraft': '草稿未发布', 'models.on': '启用', 'models.off': '禁用',
    'models.created': '已创建模型 {id}', 'models.imported': '已导入模型 {id}',
    'models.importFile': '模型文件（控制台导出的 JSON）', 'models.importPaste': '或粘贴 JSON',
    'models.overwrite': '覆盖同标识符的模型',
    'models.importIntoDraft': '文件中的功能定义将替换 {id} 草稿中的功能定义；{id} 的标识符和名称不变。发布后生效。', 'models.importEmpty': '请选择文件或粘贴 JSON',
    'models.fileRead': '无法读取文件：{message}', 'models.broken': '无法加载：{message}',
    'models.idHint': '字母、数字、_ - .（最多 64 个字符）',
  },
});

function renderList(el) {
  const q = input({ type: 'search', placeholder: t('models.searchId'), 'aria-label': t('models.searchId'), class: 'models-search' });
  const columns = [
    { label: t('models.modelId'), render: (m) => h('a.models-id', { href: '#/models/' + encodeURIComponent(m.modelId) }, m.modelId) },
    { label: t('models.name'), render: (m) => (m.error ? h('span.error', t('models.broken', { message: m.error })) : i18nText(m.name, lang()) || '-') },
    { label: t('models.parent'), render: (m) => (m.parentModelId ? h('a', { href: '#/models/' + encodeURIComponent(m.parentModelId) }, m.parentModelId) : '-') },
    { label: t('models.validation'), render: (m) => validationBadge(m.validationEnabled) },
    { label: t('models.updated'), render: (m) => formatTime(m.updateTime) },
    { label: t('models.draft'), render: (m) => (m.hasDraft ? badge(t('models.hasDraft'), 'warn') : '') },
  ];
  const grid = pagedTable({
    columns,
    fetchPage: (pageNo, pageSize) => search(kModelsPath, q.value.trim() ? { modelIdLike: q.value.trim() } : {}, { pageNo, pageSize }),
    rowAttrs: (m) => ({ dataset: { modelId: m.modelId } }),
  });
  q.addEventListener('input', debounce(() => grid.reload(true), 250));
  mount(el,
    pageHeader(t('models.title'),
      button(t('models.import'), () => importDialog(), { write: true, class: 'models-import' }),
      button(t('models.new'), () => newModelDialog(), { kind: 'primary', write: true, class: 'primary models-new' })),
    readOnlyNotice(),
    h('div.toolbar', q),
    grid.el);
}

async function newModelDialog() {
  let parents = [];
  try {
    parents = await searchAll(kModelsPath);
  } catch (e) {
    toast(e, 'error');
    return;
  }
  const validation = checkbox(true, { name: 'validationEnabled' });
  formDialog({
    title: t('models.new'),
    fields: [
      { name: 'modelId', label: t('models.modelId'), input: input({ name: 'modelId', maxlength: 64 }), required: true, hint: t('models.idHint') },
      { name: 'nameEn', label: t('models.nameEn'), input: input({ name: 'nameEn' }) },
      { name: 'nameZh', label: t('models.nameZh'), input: input({ name: 'nameZh' }) },
      { name: 'desc', label: t('common.description'), input: h('textarea.models-desc', { name: 'desc', rows: 3 }) },
      { name: 'parent', label: t('models.parent'), input: select([['', t('models.noParent')], ...parents.map((m) => m.modelId)], '', { name: 'parent' }) },
      { name: 'validationEnabled', label: t('models.validation'), input: validation },
    ],
    submitLabel: t('common.create'),
    async submit(v) {
      const body = { modelId: v.modelId, name: i18nName(v.nameEn, v.nameZh, v.modelId), desc: v.desc, validationEnabled: v.validationEnabled };
      if (v.parent) body.parentModelId = v.parent;
      await call(kModelsPath, { action: 'create', body });
      toast(t('models.created', { id: v.modelId }));
      navigate('/models/' + encodeURIComponent(v.modelId));
    },
  });
}

// The import dialog: a file or pasted text, sent as it is (the server parses the console format and reports
// what is wrong with it, shown here). With `intoModelId` the file's features become that model's draft (the
// lab's "Edit > Import model" on a model it has just created) and `done` runs; else the file is a new model.
export function importDialog({ intoModelId, done } = {}) {
  const file = h('input.models-file', { type: 'file', accept: '.json,application/json', name: 'file' });
  const text = h('textarea.models-json', { name: 'json', rows: 8, spellcheck: 'false' });
  const validation = checkbox(true, { name: 'validation' });
  const overwrite = checkbox(false, { name: 'overwrite' });
  const err = h('div.form-error', { role: 'alert' });
  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    try {
      text.value = await f.text();
      err.textContent = '';
    } catch (e) {
      err.textContent = t('models.fileRead', { message: e.message });
    }
  });
  const ok = button(t('common.import'), () => go(), { kind: 'primary', class: 'primary models-import-submit' });
  const m = modal({
    title: t('models.import'),
    wide: true,
    body: h('div.form',
      field(t('models.importFile'), file),
      field(t('models.importPaste'), text),
      intoModelId ? h('p.hint.models-import-draft', t('models.importIntoDraft', { id: intoModelId })) : null,
      intoModelId ? null : h('label.check', validation, ' ', t('models.validation')),
      intoModelId ? null : h('label.check', overwrite, ' ', t('models.overwrite')),
      err),
    actions: [button(t('common.cancel'), () => m.close()), ok],
  });
  async function go() {
    const body = text.value;
    if (!body.trim()) {
      err.textContent = t('models.importEmpty');
      return;
    }
    ok.disabled = true;
    err.textContent = '';
    try {
      const query = intoModelId ? { modelId: intoModelId, draft: 'true' }
        : { validation: String(validation.checked), overwrite: String(overwrite.checked) };
      const env = await call(kModelsPath, { action: 'import', query, body });
      const id = env.data?.modelId;
      m.close();
      toast(t('models.imported', { id }));
      if (done) done(id);
      else navigate('/models/' + encodeURIComponent(id));
    } catch (e) {
      err.textContent = errorText(e);
    } finally {
      ok.disabled = false;
    }
  }
}

route('/models', (el) => renderList(el));
