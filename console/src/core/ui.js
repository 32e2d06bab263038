// The console's widgets: page header, tables with paging, tabs, dialogs, forms, toasts, masked secrets.
import { h, mount, copyText } from './dom.js';
import { t } from './i18n.js';
import { canWrite } from './api.js';

export function errorText(e) {
  if (e && e.code !== undefined && e.message) return `${e.message} (${e.code})`;
  return String(e?.message || e);
}

let toastBox = null;
// toast('Saved') / toast(error, 'error'): a short message at the top right, gone after a few seconds.
export function toast(message, kind = 'ok') {
  if (!toastBox) toastBox = document.body.appendChild(h('div.toasts', { role: 'status', 'aria-live': 'polite' }));
  const text = message instanceof Error ? errorText(message) : String(message);
  const el = toastBox.appendChild(h('div.toast.' + kind, text));
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 3000);
}

export function pageHeader(title, ...actions) {
  return h('div.page-header', h('h1', title), h('div.actions', actions));
}

export function button(label, onclick, { kind = '', write = false, class: cls, ...attrs } = {}) {
  const b = h('button', { type: 'button', onclick, ...attrs, class: [kind, cls].filter(Boolean).join(' ') || undefined }, label);
  if (write && !canWrite()) {
    b.disabled = true;
    b.title = t('common.readOnly');
  }
  return b;
}

export function badge(text, kind = '') {
  return h('span.badge' + (kind ? '.' + kind : ''), text);
}

export function loading() {
  return h('div.loading', t('common.loading'));
}

export function readOnlyNotice() {
  return canWrite() ? null : h('div.notice', t('common.readOnly'));
}

// table({columns: [{label, render(row) | key, className}], rows, empty}) → <table>
export function table({ columns, rows, empty, rowAttrs }) {
  const head = h('thead', h('tr', columns.map((c) => h('th', { class: c.className }, c.label))));
  const body = h('tbody');
  if (!rows.length) body.append(h('tr', h('td.empty', { colspan: columns.length }, empty || t('common.none'))));
  for (const row of rows) {
    body.append(h('tr', rowAttrs ? rowAttrs(row) : null,
      columns.map((c) => h('td', { class: c.className }, c.render ? c.render(row) : (row[c.key] ?? '-')))));
  }
  return h('table.grid', head, body);
}

// A table whose rows come page by page from the server: fetchPage(pageNo, pageSize) → {items, total}.
// Returns {el, reload(resetPage)}; a slower answer for an older request never overwrites a newer one.
export function pagedTable({ columns, fetchPage, pageSize = 20, empty, rowAttrs }) {
  const el = h('div.paged');
  let pageNo = 1;
  let seq = 0;
  async function load() {
    const mine = ++seq;
    el.classList.add('busy');
    try {
      const { items, total } = await fetchPage(pageNo, pageSize);
      if (mine !== seq) return;
      const pages = Math.max(1, Math.ceil(total / pageSize));
      if (pageNo > pages) {
        pageNo = pages;
        return load();
      }
      mount(el,
        table({ columns, rows: items, empty, rowAttrs }),
        h('div.pager',
          button(t('common.prev'), () => { pageNo--; load(); }, { disabled: pageNo <= 1, class: 'pager-prev' }),
          h('span.pager-info', t('common.page', { page: pageNo, pages, total })),
          button(t('common.next'), () => { pageNo++; load(); }, { disabled: pageNo >= pages, class: 'pager-next' })));
    } catch (e) {
      if (mine === seq) mount(el, h('div.error', errorText(e)));
    } finally {
      if (mine === seq) el.classList.remove('busy');
    }
  }
  load();
  return {
    el,
    reload(resetPage = false) {
      if (resetPage) pageNo = 1;
      return load();
    },
  };
}

// tabs([{id, label, render(el) → cleanup?}], activeId, onChange(id)) → element; switching tabs runs the old
// tab's cleanup.
export function tabs(list, activeId, onChange) {
  const bar = h('div.tabs', { role: 'tablist' });
  const panel = h('div.tab-panel', { role: 'tabpanel' });
  let cleanup = null;
  function show(id) {
    if (cleanup) cleanup();
    cleanup = null;
    for (const b of bar.children) b.classList.toggle('active', b.dataset.tab === id);
    panel.replaceChildren();
    const tab = list.find((x) => x.id === id) || list[0];
    const r = tab.render(panel);
    if (typeof r === 'function') cleanup = r;
    if (onChange) onChange(tab.id);
  }
  for (const tab of list) {
    bar.append(h('button.tab', { type: 'button', role: 'tab', dataset: { tab: tab.id }, onclick: () => show(tab.id) }, tab.label));
  }
  const el = h('div.tabbed', bar, panel);
  show(activeId || list[0].id);
  el.dispose = () => cleanup && cleanup();
  return el;
}

// modal({title, body, actions: [button...], wide}) → {el, close}; Escape and the backdrop close it.
export function modal({ title, body, actions = [], wide = false, onClose }) {
  const close = () => {
    backdrop.remove();
    document.removeEventListener('keydown', onKey);
    if (onClose) onClose();
  };
  const onKey = (e) => e.key === 'Escape' && close();
  const dialog = h('div.modal' + (wide ? '.wide' : ''), { role: 'dialog', 'aria-modal': 'true', 'aria-label': title },
    h('div.modal-head', h('h2', title), h('button.icon', { type: 'button', onclick: close, 'aria-label': t('common.close') }, '×')),
    h('div.modal-body', body),
    actions.length ? h('div.modal-actions', actions) : null);
  const backdrop = h('div.backdrop', { onmousedown: (e) => e.target === backdrop && close() }, dialog);
  document.body.append(backdrop);
  document.addEventListener('keydown', onKey);
  const first = dialog.querySelector('input, select, textarea');
  if (first) first.focus();
  return { el: dialog, close };
}

export function confirmDialog(text, { danger = false } = {}) {
  return new Promise((resolve) => {
    let answered = false;
    const m = modal({
      title: t('common.confirm'),
      body: h('p', text),
      onClose: () => !answered && resolve(false),
      actions: [
        button(t('common.cancel'), () => m.close()),
        button(t('common.confirm'), () => { answered = true; m.close(); resolve(true); }, { kind: danger ? 'danger' : 'primary' }),
      ],
    });
  });
}

// A dialog with a form: fields are [{name, label, input: element, required}]; submit(values) may throw an
// ApiError, shown in the dialog (the dialog stays open so nothing typed is lost).
export function formDialog({ title, fields, submitLabel, submit, wide }) {
  const err = h('div.form-error');
  const form = h('form.form', { onsubmit: (e) => { e.preventDefault(); go(); } },
    fields.map((f) => field(f.label, f.input, { required: f.required, hint: f.hint })),
    err, h('button', { type: 'submit', hidden: true }));
  const ok = button(submitLabel || t('common.save'), () => go(), { kind: 'primary' });
  const m = modal({ title, body: form, wide, actions: [button(t('common.cancel'), () => m.close()), ok] });
  async function go() {
    const values = {};
    for (const f of fields) {
      const v = f.input.type === 'checkbox' ? f.input.checked : f.input.value;
      if (f.required && (v === '' || v === null || v === undefined)) {
        err.textContent = t('common.required', { field: f.label });
        f.input.focus();
        return;
      }
      values[f.name] = typeof v === 'string' ? v.trim() : v;
    }
    ok.disabled = true;
    err.textContent = '';
    try {
      await submit(values);
      m.close();
    } catch (e) {
      err.textContent = errorText(e);
    } finally {
      ok.disabled = false;
    }
  }
  return m;
}

export function field(label, input, { required = false, hint } = {}) {
  return h('label.field', h('span.field-label', label, required ? h('span.req', ' *') : null), input,
    hint ? h('span.hint', hint) : null);
}

export function input(attrs = {}) {
  return h('input', { type: 'text', ...attrs });
}

// select([[value, label], ...] | ['a', 'b'], selected, attrs)
export function select(options, selected, attrs = {}) {
  return h('select', attrs, options.map((o) => {
    const [value, label] = Array.isArray(o) ? o : [o, o];
    return h('option', { value, selected: String(value) === String(selected) }, label);
  }));
}

export function checkbox(checked, attrs = {}) {
  return h('input', { type: 'checkbox', checked: !!checked, ...attrs });
}

// A secret shown as dots until "Show" is pressed; copy works either way. Text buttons, not icons: no glyph
// depends on an emoji font.
export function secret(value) {
  let shown = false;
  const text = h('code.secret-text', '••••••••••••');
  const eye = h('button.link.reveal', { type: 'button' }, t('common.show'));
  eye.onclick = () => {
    shown = !shown;
    text.textContent = shown ? value : '••••••••••••';
    eye.textContent = shown ? t('common.hide') : t('common.show');
  };
  const copy = h('button.link.copy', { type: 'button', onclick: async () => toast((await copyText(value)) ? t('common.copied') : value) }, t('common.copy'));
  return h('span.secret', text, eye, copy);
}

// Key/value list (the detail pages' "Basic information").
export function infoList(pairs) {
  return h('dl.info', pairs.filter(Boolean).map(([k, v]) => [h('dt', k), h('dd', v ?? '-')]));
}
