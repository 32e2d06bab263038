// The frame around every page: the top bar (OU, user, language, log out) and the menu on the left.
import { h } from './dom.js';
import { t, lang, setLang, defineStrings } from './i18n.js';
import { currentSession, logout } from './api.js';
import { onRoute } from './router.js';

defineStrings({
  en: {
    'nav.models': 'Models', 'nav.products': 'Products', 'nav.devices': 'Devices',
    'nav.storage': 'Storage policies', 'nav.insight': 'Time-series insight', 'nav.environment': 'Environment information',
    'nav.logout': 'Log out', 'nav.role.admin': 'admin', 'nav.role.viewer': 'viewer', 'nav.role.system': 'system',
    'nav.org': 'OU', 'nav.language': 'Language', 'nav.groupDevices': 'Device management',
    'nav.groupData': 'Time-series data', 'nav.groupHelp': 'Help',
  },
  zh: {
    'nav.models': '模型', 'nav.products': '产品', 'nav.devices': '设备资产',
    'nav.storage': '存储策略', 'nav.insight': '时序洞察', 'nav.environment': '环境信息',
    'nav.logout': '退出登录', 'nav.role.admin': '管理员', 'nav.role.viewer': '只读', 'nav.role.system': '系统',
    'nav.org': '组织', 'nav.language': '语言', 'nav.groupDevices': '设备管理',
    'nav.groupData': '时序数据管理', 'nav.groupHelp': '帮助',
  },
});

const menu = [
  ['nav.groupDevices', [['/models', 'nav.models'], ['/products', 'nav.products'], ['/devices', 'nav.devices']]],
  ['nav.groupData', [['/storage', 'nav.storage'], ['/insight', 'nav.insight']]],
  ['nav.groupHelp', [['/environment', 'nav.environment']]],
];

let highlighter = () => {};
let routeHooked = false;

// Builds the frame; returns the element pages are drawn into.
export function layout(root) {
  const s = currentSession();
  const links = [];
  const nav = h('nav.sidebar', { 'aria-label': 'main' }, menu.map(([group, items]) => [
    h('div.nav-group', t(group)),
    items.map(([path, label]) => {
      const a = h('a.nav-link', { href: '#' + path, dataset: { path } }, t(label));
      links.push(a);
      return a;
    }),
  ]));
  const langSwitch = h('button.lang', {
    type: 'button', 'aria-label': t('nav.language'),
    onclick: () => setLang(lang() === 'zh' ? 'en' : 'zh'),
  }, lang() === 'zh' ? 'English' : '中文');
  const top = h('header.topbar',
    h('a.brand', { href: '#/devices' }, h('img', { src: 'favicon.svg', alt: '' }), t('app.name')),
    h('div.spacer'),
    h('span.org', t('nav.org') + ': ' + (s?.user?.orgId || '-')),
    h('span.user', s?.user?.username || '', ' ', h('span.role', t('nav.role.' + (s?.user?.role || 'viewer')))),
    langSwitch,
    h('button.logout', { type: 'button', onclick: () => logout() }, t('nav.logout')));
  const main = h('main.content');
  root.replaceChildren(top, h('div.body', nav, main));
  const highlight = (path) => {
    for (const a of links) a.classList.toggle('active', path === a.dataset.path || path.startsWith(a.dataset.path + '/'));
  };
  highlighter = highlight;
  if (!routeHooked) onRoute((path) => highlighter(path));
  routeHooked = true;
  return main;
}
