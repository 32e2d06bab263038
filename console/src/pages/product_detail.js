// One product's page (#/products/:productKey): its keys (the secret masked, and absent for read-only users: the
// API leaves it out), model, settings and device count; Edit (name, description, dynamic activation) and Delete.
import { route, navigate } from '../core/router.js';
import { h, mount, formatTime, i18nText } from '../core/dom.js';
import { t, lang, defineStrings } from '../core/i18n.js';
import { call, get, search } from '../core/api.js';
import {
  pageHeader, button, formDialog, input, checkbox, toast, errorText, infoList, secret, confirmDialog, loading,
  readOnlyNotice,
} from '../core/ui.js';

export const kProductsPath = '/connect-service/v2.1/products';
const kDevicesPath = '/connect-service/v2.1/devices';

defineStrings({
  en: {
    'productDetail.title': 'Product {name}', 'productDetail.back': 'All products',
    'productDetail.productSecret': 'Product secret', 'productDetail.devices': 'Devices',
    'productDetail.validDays': 'Certificate validity (days): default {d}, at most {m}',
    'productDetail.updated': 'Updated', 'productDetail.edit': 'Edit product', 'productDetail.delete': 'Delete product',
    'productDetail.confirmDelete': 'Delete product {name} ({key})?', 'productDetail.deleted': 'Product {name} deleted',
    'productDetail.saved': 'Product saved', 'productDetail.node.Device': 'Device', 'productDetail.node.Gateway': 'Gateway',
    'productDetail.format.Json': 'JSON (EnOS)', 'productDetail.format.Custom': 'Custom',
    'productDetail.auth.cert': 'Certificate (two-way)', 'productDetail.auth.secret': 'Secret key',
    'productDetail.enabled': 'Enabled', 'productDetail.disabled': 'Disabled', 'productDetail.deviceList': 'View devices',
  },
  zh: {
    'productDetail.title': '产品 {name}', 'productDetail.back': '全部产品',
    'productDetail.productSecret': '产品密钥', 'productDetail.devices': '设备数',
    'productDetail.validDays': '证书有效期（天）：默认 {d}，最长 {m}',
    'productDetail.updated': '更新时间', 'productDetail.edit': '编辑产品', 'productDetail.delete': '删除产品',
    'productDetail.confirmDelete': '删除产品 {name}（{key}）？', 'productDetail.deleted': '已删除产品 {name}',
    'productDetail.saved': '产品已保存', 'productDetail.node.Device': '设备', 'productDetail.node.Gateway': '网关',
    'productDetail.format.Json': 'JSON（EnOS）', 'productDetail.format.Custom': '透传/自定义',
    'productDetail.auth.cert': '证书双向认证', 'productDetail.auth.secret': '密钥认证',
    'productDetail.enabled': '启用', 'productDetail.disabled': '禁用', 'productDetail.deviceList': '查看设备',
  },
});

export function nodeTypeText(v) {
  return v ? t('productDetail.node.' + v) : '-';
}

export function formatText(v) {
  return v ? t('productDetail.format.' + v) : '-';
}

export function authText(bi) {
  return bi ? t('productDetail.auth.cert') : t('productDetail.auth.secret');
}

const onOff = (v) => (v ? t('productDetail.enabled') : t('productDetail.disabled'));

function renderProduct(el, productKey) {
  let alive = true;

  async function load() {
    mount(el, loading());
    let p;
    let devices = null;
    try {
      p = await get(kProductsPath, { action: 'get', query: { productKey } });
    } catch (e) {
      if (alive) mount(el, h('div.crumbs', h('a', { href: '#/products' }, t('productDetail.back'))), h('div.error', errorText(e)));
      return;
    }
    try {
      devices = (await search(kDevicesPath, { productKey }, { pageNo: 1, pageSize: 1 })).total;
    } catch {
      devices = null;  // the count is a detail: the page stands without it
    }
    if (alive) draw(p, devices);
  }

  function draw(p, devices) {
    const name = i18nText(p.productName, lang()) || productKey;
    mount(el,
      h('div.crumbs', h('a', { href: '#/products' }, t('productDetail.back'))),
      pageHeader(t('productDetail.title', { name }),
        button(t('productDetail.edit'), () => editDialog(p), { write: true, class: 'product-edit' }),
        button(t('productDetail.delete'), () => remove(p, name), { kind: 'danger', write: true, class: 'danger product-delete' })),
      readOnlyNotice(),
      h('div.panel.product-info', infoList([
        [t('products.name'), name],
        [t('products.productKey'), h('code.product-key', p.productKey)],
        // Read-only callers get no productSecret from the API: nothing to reveal.
        [t('productDetail.productSecret'), p.productSecret ? secret(p.productSecret) : h('span.product-secret-none', '-')],
        [t('products.model'), h('a.product-model', { href: '#/models/' + encodeURIComponent(p.modelId) }, p.modelId)],
        [t('products.nodeType'), nodeTypeText(p.nodeType || p.productType)],
        [t('products.dataFormat'), formatText(p.dataFormat)],
        [t('products.certAuth'), onOff(p.biDirectionalAuth)],
        p.biDirectionalAuth ? ['', t('productDetail.validDays', { d: p.defaultValidDay, m: p.maxValidDay })] : null,
        [t('products.dynamic'), onOff(p.dynamicActivateEnabled)],
        [t('common.description'), p.productDesc || '-'],
        [t('productDetail.devices'), devices === null ? '-'
          : h('span', h('span.product-devices', String(devices)), ' ',
            h('a', { href: '#/devices?productKey=' + encodeURIComponent(p.productKey) }, t('productDetail.deviceList')))],
        [t('products.created'), formatTime(p.createTime)],
        [t('productDetail.updated'), formatTime(p.updateTime)],
      ])));
  }

  function editDialog(p) {
    const names = p.productName?.i18nValue || {};
    formDialog({
      title: t('productDetail.edit'),
      fields: [
        { name: 'nameEn', label: t('products.nameEn'), input: input({ name: 'nameEn', value: names.en_US ?? p.productName?.defaultValue ?? '', maxlength: 64 }) },
        { name: 'nameZh', label: t('products.nameZh'), input: input({ name: 'nameZh', value: names.zh_CN ?? '', maxlength: 64 }) },
        { name: 'productDesc', label: t('common.description'), input: h('textarea.product-desc', { name: 'productDesc', rows: 3, value: p.productDesc || '' }) },
        { name: 'dynamicActivateEnabled', label: t('products.dynamic'), input: checkbox(p.dynamicActivateEnabled, { name: 'dynamicActivateEnabled' }) },
      ],
      async submit(v) {
        if (!v.nameEn && !v.nameZh) throw new Error(t('products.nameNeeded'));
        const i18nValue = { ...names };
        if (v.nameEn) i18nValue.en_US = v.nameEn; else delete i18nValue.en_US;
        if (v.nameZh) i18nValue.zh_CN = v.nameZh; else delete i18nValue.zh_CN;
        await call(kProductsPath, {
          action: 'update', query: { productKey },
          body: { productName: { defaultValue: v.nameEn || v.nameZh, i18nValue }, productDesc: v.productDesc, dynamicActivateEnabled: v.dynamicActivateEnabled },
        });
        toast(t('productDetail.saved'));
        load();
      },
    });
  }

  async function remove(p, name) {
    if (!(await confirmDialog(t('productDetail.confirmDelete', { name, key: p.productKey }), { danger: true }))) return;
    try {
      await call(kProductsPath, { action: 'delete', query: { productKey }, body: {} });
      toast(t('productDetail.deleted', { name }));
      navigate('/products');
    } catch (e) {
      toast(e, 'error');
    }
  }

  load();
  return () => { alive = false; };
}

route('/products/:productKey', (el, params) => renderProduct(el, params.productKey));
