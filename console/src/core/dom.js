// DOM building without a framework: h() makes elements, text is always set as text (never parsed as HTML).

// h('div.card#main', {onclick, title, dataset: {...}, style: {...}}, child, [children], 'text')
export function h(spec, attrs, ...children) {
  const m = /^([a-z0-9-]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  if (!m) throw new Error('bad element spec ' + spec);
  const el = document.createElement(m[1] || 'div');
  for (const part of (m[2] || '').match(/[.#][\w-]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = v;
    else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled' || k === 'textContent') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

// append(el, [children]): an array (nested arrays, null/false skipped), unlike the DOM's el.append(...nodes),
// which would print "null" for a null child; mount(el, ...children) replaces el's children the same way.
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// Replaces el's children.
export function mount(el, ...children) {
  return append(clear(el), children);
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function formatTime(ms, withMs = false) {
  if (ms === null || ms === undefined || ms === '' || Number.isNaN(Number(ms))) return '-';
  const d = new Date(Number(ms));
  const p = (n, w = 2) => String(n).padStart(w, '0');
  const s = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return withMs ? `${s}.${p(d.getMilliseconds(), 3)}` : s;
}

// Values as the API sends them: arrays as [a,b,c], objects as JSON, strings as they are.
export function formatValue(v) {
  if (v === null || v === undefined) return '-';
  if (Array.isArray(v)) return '[' + v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(',') + ']';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// i18n strings of the API ({"defaultValue": "..", "i18nValue": {"zh_CN": ..}}) in the current language.
export function i18nText(v, lang) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  const key = lang === 'zh' ? 'zh_CN' : 'en_US';
  return (v.i18nValue && v.i18nValue[key]) || v.defaultValue || '';
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function download(filename, text, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
