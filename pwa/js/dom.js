// A few DOM helpers the views share: build elements declaratively, replace a container's content.

/** An element: h('button', {class: 'x', onclick: f, 'aria-label': '…'}, 'text', child, [more]). */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value' || key === 'checked' || key === 'hidden' || key === 'disabled') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replace everything inside `root`. */
export function show(root, ...children) {
  root.replaceChildren();
  append(root, children);
  return root;
}

let ids = 0;
/** A fresh element id (labels point at inputs by id). */
export const uid = (prefix = 'f') => `${prefix}-${(ids += 1)}`;

/** Bytes as 1.2 MB. */
export function bytesText(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** Today's date in China (the server judges "today" there too), as YYYY-MM-DD. */
export function todayInChina(now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
}
