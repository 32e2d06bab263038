// Labels in English and Chinese. Each page registers its own strings (defineStrings) next to its code; the
// choice of language is remembered in localStorage and applies at once (the current page is drawn again).

const strings = { en: {}, zh: {} };
const listeners = new Set();
const kStorageKey = 'gridhub.lang';

function initialLang() {
  const saved = localStorage.getItem(kStorageKey);
  if (saved === 'en' || saved === 'zh') return saved;
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

let current = initialLang();
document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';

// defineStrings({en: {key: 'text {name}'}, zh: {key: '文本 {name}'}}). A key missing in one language falls back
// to English, then to the key itself (visible, so a missing label is noticed).
export function defineStrings(table) {
  for (const lang of Object.keys(strings)) Object.assign(strings[lang], table[lang] || {});
}

export function t(key, vars) {
  let s = strings[current][key] ?? strings.en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return s;
}

export function lang() {
  return current;
}

export function setLang(next) {
  if (next !== 'en' && next !== 'zh') return;
  current = next;
  localStorage.setItem(kStorageKey, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

defineStrings({
  en: {
    'app.name': 'Gridhub',
    'common.save': 'Save', 'common.cancel': 'Cancel', 'common.create': 'Create', 'common.delete': 'Delete',
    'common.edit': 'Edit', 'common.view': 'View', 'common.close': 'Close', 'common.confirm': 'Confirm',
    'common.search': 'Search', 'common.reset': 'Reset', 'common.refresh': 'Refresh', 'common.loading': 'Loading…',
    'common.none': 'No data', 'common.actions': 'Actions', 'common.yes': 'Yes', 'common.no': 'No',
    'common.copy': 'Copy', 'common.copied': 'Copied', 'common.show': 'Show', 'common.hide': 'Hide',
    'common.prev': 'Previous', 'common.next': 'Next', 'common.page': 'Page {page} of {pages} · {total} in all',
    'common.readOnly': 'Read-only access: you can look but not change anything.',
    'common.required': '{field} is required', 'common.done': 'Done', 'common.error': 'Error',
    'common.all': 'All', 'common.name': 'Name', 'common.description': 'Description', 'common.export': 'Export',
    'common.import': 'Import', 'common.download': 'Download',
  },
  zh: {
    'app.name': 'Gridhub',
    'common.save': '保存', 'common.cancel': '取消', 'common.create': '创建', 'common.delete': '删除',
    'common.edit': '编辑', 'common.view': '查看', 'common.close': '关闭', 'common.confirm': '确定',
    'common.search': '搜索', 'common.reset': '重置', 'common.refresh': '刷新', 'common.loading': '加载中…',
    'common.none': '暂无数据', 'common.actions': '操作', 'common.yes': '是', 'common.no': '否',
    'common.copy': '复制', 'common.copied': '已复制', 'common.show': '显示', 'common.hide': '隐藏',
    'common.prev': '上一页', 'common.next': '下一页', 'common.page': '第 {page} / {pages} 页 · 共 {total} 条',
    'common.readOnly': '只读权限：可以查看，不能修改。',
    'common.required': '{field}为必填项', 'common.done': '完成', 'common.error': '错误',
    'common.all': '全部', 'common.name': '名称', 'common.description': '描述', 'common.export': '导出',
    'common.import': '导入', 'common.download': '下载',
  },
});
