// The Products page (#/products): the OU's products, paged and filtered by name, and the New product form with the
// lab's fields (step 2). A product's own page is product_detail.js.
import { route, navigate } from '../core/router.js';
import { h, mount, formatTime, i18nText, debounce } from '../core/dom.js';
import { t, lang, defineStrings } from '../core/i18n.js';
import { call, search, searchAll } from '../core/api.js';
import { pageHeader, button, pagedTable, formDialog, input, select, checkbox, toast, readOnlyNotice } from '../core/ui.js';
import { kModelsPath, i18nName } from './model_detail.js';
import { kProductsPath, nodeTypeText, authText, formatText } from './product_detail.js';

defineStrings({
  en: {
    'products.title': 'Products', 'products.new': 'New product', 'products.searchName': 'Search by product name',
    'products.name': 'Product name', 'products.nameEn': 'Product name (English)', 'products.nameZh': 'Product name (Chinese)',
    'products.productKey': 'Product key', 'products.model': 'Model', 'products.nodeType': 'Node type',
    'products.dataFormat': 'Data format', 'products.authType': 'Authentication', 'products.created': 'Created',
    'products.certAuth': 'Certificate-based two-way authentication', 'products.dynamic': 'Dynamic activation',
    'products.createdToast': 'Product {name} created', 'products.chooseModel': 'Choose a model',
    'products.noModels': 'There is no model yet: create or import one on the Models page first.',
    'products.nameNeeded': 'Give the product a name (English or Chinese)',
  },
  zh: {
    'products.title': '产品', 'products.new': '创建产品', 'products.searchName': '按产品名称搜索',
    'products.name': '产品名称', 'products.nameEn': '产品名称（英文）', 'products.nameZh': '产品名称（中文）',
    'products.productKey': '产品 Key', 'products.model': '模型', 'products.nodeType': '节点类型',
    'products.dataFormat': '数据格式', 'products.authType': '认证方式', 'products.created': '创建时间',
    'products.certAuth': '证书双向认证', 'products.dynamic': '动态激活',
    'products.createdToast': '已创建产品 {name}', 'products.chooseModel': '请选择模型',
    'products.noModels': '还没有模型：请先在模型页面创建或导入模型。',
    'products.nameNeeded': '请填写产品名称（英文或中文）',
  },
});

function renderList(el) {
  const q = input({ type: 'search', placeholder: t('products.searchName'), 'aria-label': t('products.searchName'), class: 'products-search' });
  const columns = [
    { label: t('products.name'), render: (p) => h('a.product-link', { href: '#/products/' + encodeURIComponent(p.productKey) }, i18nText(p.productName, lang()) || p.productKey) },
    { label: t('products.productKey'), render: (p) => h('code', p.productKey) },
    { label: t('products.model'), render: (p) => h('a', { href: '#/models/' + encodeURIComponent(p.modelId) }, p.modelId) },
    { label: t('products.nodeType'), render: (p) => nodeTypeText(p.nodeType || p.productType) },
    { label: t('products.dataFormat'), render: (p) => formatText(p.dataFormat) },
    { label: t('products.authType'), render: (p) => authText(p.biDirectionalAuth) },
    { label: t('products.created'), render: (p) => formatTime(p.createTime) },
  ];
  const grid = pagedTable({
    columns,
    fetchPage: (pageNo, pageSize) => search(kProductsPath, q.value.trim() ? { productName: q.value.trim() } : {}, { pageNo, pageSize }),
    rowAttrs: (p) => ({ dataset: { productKey: p.productKey } }),
  });
  q.addEventListener('input', debounce(() => grid.reload(true), 250));
  mount(el,
    pageHeader(t('products.title'),
      button(t('products.new'), () => newProductDialog(), { kind: 'primary', write: true, class: 'primary products-new' })),
    readOnlyNotice(),
    h('div.toolbar', q),
    grid.el);
}

async function newProductDialog() {
  let models;
  try {
    models = await searchAll(kModelsPath);
  } catch (e) {
    toast(e, 'error');
    return;
  }
  if (!models.length) {
    toast(t('products.noModels'), 'error');
    return;
  }
  const nameEn = input({ name: 'nameEn', maxlength: 64 });
  const nameZh = input({ name: 'nameZh', maxlength: 64 });
  formDialog({
    title: t('products.new'),
    fields: [
      { name: 'nameEn', label: t('products.nameEn'), input: nameEn },
      { name: 'nameZh', label: t('products.nameZh'), input: nameZh },
      { name: 'nodeType', label: t('products.nodeType'), input: select([['Device', nodeTypeText('Device')], ['Gateway', nodeTypeText('Gateway')]], 'Device', { name: 'nodeType' }), required: true },
      {
        name: 'modelId', label: t('products.model'), required: true,
        input: select([['', t('products.chooseModel')], ...models.map((m) => [m.modelId, `${m.modelId} · ${i18nText(m.name, lang()) || ''}`])], '', { name: 'modelId' }),
      },
      { name: 'dataFormat', label: t('products.dataFormat'), input: select([['Json', formatText('Json')], ['Custom', formatText('Custom')]], 'Json', { name: 'dataFormat' }), required: true },
      { name: 'biDirectionalAuth', label: t('products.certAuth'), input: checkbox(false, { name: 'biDirectionalAuth' }) },
      { name: 'dynamicActivateEnabled', label: t('products.dynamic'), input: checkbox(false, { name: 'dynamicActivateEnabled' }) },
      { name: 'productDesc', label: t('common.description'), input: h('textarea.product-desc', { name: 'productDesc', rows: 3 }) },
    ],
    submitLabel: t('common.create'),
    async submit(v) {
      if (!v.nameEn && !v.nameZh) throw new Error(t('products.nameNeeded'));
      const body = {
        productName: i18nName(v.nameEn, v.nameZh), nodeType: v.nodeType, modelId: v.modelId, dataFormat: v.dataFormat,
        biDirectionalAuth: v.biDirectionalAuth, dynamicActivateEnabled: v.dynamicActivateEnabled, productDesc: v.productDesc,
      };
      const env = await call(kProductsPath, { action: 'create', body });
      toast(t('products.createdToast', { name: body.productName.defaultValue }));
      navigate('/products/' + encodeURIComponent(env.data.productKey));
    },
  });
}

route('/products', (el) => renderList(el));
