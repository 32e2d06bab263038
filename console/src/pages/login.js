// The login page: the only page a browser without a session sees.
import { h } from '../core/dom.js';
import { t, lang, setLang, defineStrings } from '../core/i18n.js';
import { login } from '../core/api.js';
import { errorText } from '../core/ui.js';

defineStrings({
  en: { 'login.title': 'Log in to Gridhub', 'login.username': 'Username', 'login.password': 'Password',
        'login.submit': 'Log in', 'login.failed': 'Login failed', 'login.subtitle': 'IoT hub for connected energy devices' },
  zh: { 'login.title': '登录 Gridhub', 'login.username': '用户名', 'login.password': '密码',
        'login.submit': '登录', 'login.failed': '登录失败', 'login.subtitle': '面向能源设备的物联网平台' },
});

export function renderLogin(root, onLoggedIn) {
  const user = h('input#login-username', { name: 'username', autocomplete: 'username', required: true });
  const pass = h('input#login-password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('div.form-error', { role: 'alert' });
  const submit = h('button.primary', { type: 'submit' }, t('login.submit'));
  const form = h('form.login-card', {
    onsubmit: async (e) => {
      e.preventDefault();
      submit.disabled = true;
      err.textContent = '';
      try {
        await login(user.value.trim(), pass.value);
        onLoggedIn();
      } catch (ex) {
        err.textContent = t('login.failed') + ': ' + errorText(ex);
        pass.select();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('div.login-brand', h('img', { src: 'favicon.svg', alt: '' }), h('span', t('app.name'))),
  h('h1', t('login.title')),
  h('p.subtitle', t('login.subtitle')),
  h('label.field', h('span.field-label', t('login.username')), user),
  h('label.field', h('span.field-label', t('login.password')), pass),
  err, submit,
  h('button.link.lang', { type: 'button', onclick: () => setLang(lang() === 'zh' ? 'en' : 'zh') }, lang() === 'zh' ? 'English' : '中文'));
  root.replaceChildren(h('div.login-page', form));
  user.focus();
}
