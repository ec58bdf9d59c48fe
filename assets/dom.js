// Building the page without innerHTML: every piece of text becomes a text node, so data from
// the server can never turn into markup. Also the small widgets every page shares.

/**
 * `h('button', {class: 'btn', type: 'button', onClick: fn}, 'Save')`.
 * `on…` props with a function become listeners; other props are attributes (so `value`,
 * `checked` and `selected` are the defaults a form reset returns to); `false`/`null` props and
 * children are left out; strings become text nodes.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  setProps(el, props);
  append(el, children);
  return el;
}

const AS_PROPERTY = new Set(['indeterminate']);

function setProps(el, props) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (AS_PROPERTY.has(key)) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Replaces everything inside `el`. */
export function mount(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// Icons: stroked 24×24 shapes, drawn from constant data (never from user input).
const ICONS = {
  dashboard: [['rect', { x: 3, y: 3, width: 7, height: 9, rx: 1 }], ['rect', { x: 14, y: 3, width: 7, height: 5, rx: 1 }], ['rect', { x: 14, y: 12, width: 7, height: 9, rx: 1 }], ['rect', { x: 3, y: 16, width: 7, height: 5, rx: 1 }]],
  jobs: [['rect', { x: 2, y: 7, width: 20, height: 14, rx: 2 }], ['path', { d: 'M16 21V5a2 2 0 0 0-2-2h-4a2 2 0 0 0-2 2v16' }]],
  candidates: [['path', { d: 'M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2' }], ['circle', { cx: 9, cy: 7, r: 4 }], ['path', { d: 'M22 21v-2a4 4 0 0 0-3-3.87' }], ['path', { d: 'M16 3.13a4 4 0 0 1 0 7.75' }]],
  interviews: [['rect', { x: 3, y: 4, width: 18, height: 18, rx: 2 }], ['path', { d: 'M16 2v4M8 2v4M3 10h18' }]],
  offers: [['path', { d: 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z' }], ['path', { d: 'M14 2v6h6M16 13H8M16 17H8M10 9H8' }]],
  people: [['path', { d: 'M3 21v-2a4 4 0 0 1 4-4h4a4 4 0 0 1 4 4v2' }], ['circle', { cx: 9, cy: 7, r: 4 }], ['path', { d: 'm16 11 2 2 4-4' }]],
  projects: [['path', { d: 'M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z' }]],
  engagements: [['path', { d: 'M10 13a5 5 0 0 0 7.54.54l3-3a5 5 0 0 0-7.07-7.07l-1.72 1.71' }], ['path', { d: 'M14 11a5 5 0 0 0-7.54-.54l-3 3a5 5 0 0 0 7.07 7.07l1.71-1.71' }]],
  insights: [['path', { d: 'M12 20V10M18 20V4M6 20v-4' }]],
  team: [['path', { d: 'M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2' }], ['circle', { cx: 9, cy: 7, r: 4 }], ['path', { d: 'M23 21v-2a4 4 0 0 0-3-3.87M16 3.13a4 4 0 0 1 0 7.75' }]],
  key: [['circle', { cx: 7.5, cy: 15.5, r: 5.5 }], ['path', { d: 'M11.4 11.6 21 2M17 6l3 3M15 8l2 2' }]],
  settings: [['path', { d: 'M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6' }]],
  webhooks: [['path', { d: 'M13 2 3 14h9l-1 8 10-12h-9l1-8z' }]],
  audit: [['path', { d: 'M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z' }], ['path', { d: 'm9 12 2 2 4-4' }]],
  profile: [['path', { d: 'M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2' }], ['circle', { cx: 12, cy: 7, r: 4 }]],
  signout: [['path', { d: 'M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9' }]],
  copy: [['rect', { x: 9, y: 9, width: 13, height: 13, rx: 2 }], ['path', { d: 'M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1' }]],
  menu: [['path', { d: 'M3 12h18M3 6h18M3 18h18' }]],
  close: [['path', { d: 'M18 6 6 18M6 6l12 12' }]],
  alert: [['path', { d: 'M10.29 3.86 1.82 18a2 2 0 0 0 1.71 3h16.94a2 2 0 0 0 1.71-3L13.71 3.86a2 2 0 0 0-3.42 0z' }], ['path', { d: 'M12 9v4M12 17h.01' }]],
  info: [['circle', { cx: 12, cy: 12, r: 10 }], ['path', { d: 'M12 16v-4M12 8h.01' }]],
  check: [['circle', { cx: 12, cy: 12, r: 10 }], ['path', { d: 'm8 12 3 3 5-6' }]],
  lock: [['rect', { x: 3, y: 11, width: 18, height: 11, rx: 2 }], ['path', { d: 'M7 11V7a5 5 0 0 1 10 0v4' }]],
  back: [['path', { d: 'M19 12H5M12 19l-7-7 7-7' }]],
  search: [['circle', { cx: 11, cy: 11, r: 7 }], ['path', { d: 'm21 21-4.3-4.3' }]],
  plus: [['path', { d: 'M12 5v14M5 12h14' }]],
  upload: [['path', { d: 'M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M17 8l-5-5-5 5M12 3v12' }]],
  grip: [['circle', { cx: 9, cy: 6, r: 1 }], ['circle', { cx: 15, cy: 6, r: 1 }], ['circle', { cx: 9, cy: 12, r: 1 }], ['circle', { cx: 15, cy: 12, r: 1 }], ['circle', { cx: 9, cy: 18, r: 1 }], ['circle', { cx: 15, cy: 18, r: 1 }]],
  trash: [['path', { d: 'M3 6h18M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6' }]],
  download: [['path', { d: 'M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3' }]],
  library: [['path', { d: 'M4 19.5A2.5 2.5 0 0 1 6.5 17H20V2H6.5A2.5 2.5 0 0 0 4 4.5v15z' }], ['path', { d: 'M4 19.5A2.5 2.5 0 0 0 6.5 22H20v-5' }]],
  external: [['path', { d: 'M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6M15 3h6v6M10 14 21 3' }]],
};

const SVG = 'http://www.w3.org/2000/svg';

export function icon(name, className = 'icon') {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const [tag, attrs] of ICONS[name] || []) {
    const shape = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) shape.setAttribute(k, String(v));
    svg.append(shape);
  }
  return svg;
}

// ---- Formatting -------------------------------------------------------------------------

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A `<time>` element, or an em dash for a missing value. */
export function time(iso, { withTime = true } = {}) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h('span', {}, iso);
  return h('time', { datetime: iso, title: date.toISOString() }, (withTime ? dateTime : dateOnly).format(date));
}

export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] || '?').slice(0, 2);
  return letters.toUpperCase();
}

// ---- Page furniture -----------------------------------------------------------------------

/** The heading block of a page; the h1 takes focus after navigation. */
export function pageHeader(title, subtitle, ...actions) {
  return h('div', { class: 'page-header' },
    h('div', {},
      h('h1', { tabindex: '-1', class: 'page-title' }, title),
      subtitle && h('p', { class: 'page-subtitle' }, subtitle)),
    actions.length > 0 && h('div', { class: 'page-actions' }, actions));
}

export function card(title, description, ...body) {
  const headingId = uid('card');
  return h('section', { class: 'card', 'aria-labelledby': title ? headingId : null },
    title && h('header', { class: 'card-header' },
      h('h2', { id: headingId, class: 'card-title' }, title),
      description && h('p', { class: 'card-description' }, description)),
    h('div', { class: 'card-body' }, body));
}

/** An inline message: kind is info, success, warning or danger. */
export function notice(kind, title, ...body) {
  const iconName = { success: 'check', warning: 'alert', danger: 'alert' }[kind] || 'info';
  return h('div', { class: `notice notice-${kind}`, role: kind === 'danger' ? 'alert' : null },
    icon(iconName, 'icon notice-icon'),
    h('div', {}, title && h('p', { class: 'notice-title' }, title), body.length > 0 && h('div', { class: 'notice-body' }, body)));
}

/** A panel for a failed load: the problem's detail and its request id for support. */
export function problemNotice(error) {
  const forbidden = error.status === 403;
  return notice(forbidden ? 'warning' : 'danger',
    forbidden ? 'You do not have access to this page' : 'Something went wrong',
    h('p', {}, error.detail || String(error)),
    error.requestId && h('p', { class: 'muted small' }, 'Request id: ', h('code', {}, error.requestId)));
}

/** What a page shows someone whose role may not use it: a heading and why, in a sentence or two. */
export function accessNotice(title, heading, text) {
  return h('div', { class: 'page' }, pageHeader(title), notice('info', heading, text && h('p', {}, text)));
}

export function emptyState(title, text) {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title), text && h('p', { class: 'muted' }, text));
}

/** A small bar filled to `percent` (0–100), for a number beside it; decoration, hidden from readers. */
export function meter(percent) {
  const fill = h('span', { class: 'meter-fill' });
  // The style property, not a style attribute: the Content-Security-Policy forbids inline styles.
  fill.style.width = `${Math.round(Math.max(0, Math.min(100, percent)))}%`;
  return h('span', { class: 'meter', 'aria-hidden': 'true' }, fill);
}

export function badge(text, kind = 'neutral') {
  return h('span', { class: `badge badge-${kind}` }, text);
}

/**
 * Tabs over panels, the WAI-ARIA way: `tabs({id, label, items: [{key, label, panel}], current,
 * onSelect})`. Arrow keys, Home and End move between tabs; only the chosen panel shows.
 * Returns `{bar, panels, select(key)}`; `onSelect(key)` runs on every change after the first.
 */
export function tabs({ id, label, items, current, onSelect }) {
  const buttons = items.map((item) => h('button', {
    type: 'button', role: 'tab', class: 'tab', id: `${id}-tab-${item.key}`, 'aria-controls': `${id}-panel-${item.key}`, dataset: { tab: item.key },
  }, item.label));
  const panels = items.map((item) => h('div', {
    role: 'tabpanel', class: 'tab-panel', id: `${id}-panel-${item.key}`, 'aria-labelledby': `${id}-tab-${item.key}`,
  }, item.panel));
  let shown = null;
  const select = (key, { focus = false } = {}) => {
    if (!items.some((item) => item.key === key)) return;
    items.forEach((item, i) => {
      const on = item.key === key;
      buttons[i].setAttribute('aria-selected', String(on));
      buttons[i].tabIndex = on ? 0 : -1;
      panels[i].hidden = !on;
      if (on && focus) buttons[i].focus();
    });
    const changed = shown !== null && shown !== key;
    shown = key;
    if (changed) onSelect?.(key);
  };
  buttons.forEach((button, i) => {
    button.addEventListener('click', () => select(items[i].key));
    button.addEventListener('keydown', (event) => {
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: items.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      select(items[(to + items.length) % items.length].key, { focus: true });
    });
  });
  select(items.some((item) => item.key === current) ? current : items[0].key);
  return { bar: h('div', { class: 'tabs', role: 'tablist', 'aria-label': label, id }, buttons), panels, select };
}

let uidCounter = 0;
export function uid(prefix = 'id') {
  uidCounter += 1;
  return `${prefix}-${uidCounter}`;
}

// ---- Toasts -------------------------------------------------------------------------------

let toastRegion = null;

/** A short message in the corner; errors stay until dismissed, others leave after 5 s. */
export function toast(message, kind = 'success') {
  if (!toastRegion) {
    toastRegion = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toastRegion);
  }
  const item = h('div', { class: `toast toast-${kind}` },
    icon(kind === 'danger' ? 'alert' : kind === 'info' ? 'info' : 'check', 'icon toast-icon'),
    h('p', { class: 'toast-text' }, message));
  const close = h('button', { type: 'button', class: 'icon-btn toast-close', 'aria-label': 'Dismiss notification' }, icon('close'));
  const remove = () => item.remove();
  close.addEventListener('click', remove);
  item.append(close);
  toastRegion.append(item);
  if (kind !== 'danger') setTimeout(remove, 5000);
}

// ---- Confirmation dialog ------------------------------------------------------------------

/** Asks before something destructive. Resolves to true when confirmed. */
export async function confirmDialog(options) {
  return (await askDialog(options)) !== null;
}

/**
 * A modal question. With `note: {label, placeholder}` it also takes an optional note for the
 * record. Resolves to `{note}` when confirmed (note '' without one), null when cancelled.
 */
export function askDialog({ title, message, confirmLabel = 'Confirm', danger = false, note, confirmId }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const textId = uid('dialog-text');
    const noteId = uid('dialog-note');
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': textId });
    const noteInput = note && h('textarea', { id: noteId, class: 'input', rows: 3, maxlength: 2000, placeholder: note.placeholder });
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => finish(null) }, 'Cancel');
    const confirm = h('button', {
      type: 'button', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, id: confirmId,
      onClick: () => finish({ note: noteInput ? noteInput.value.trim() : '' }),
    }, confirmLabel);
    append(dialog, [
      h('h2', { id: titleId, class: 'dialog-title' }, title),
      h('p', { id: textId, class: 'dialog-text' }, message),
      noteInput && h('div', { class: 'field dialog-field' }, h('label', { class: 'label', for: noteId }, note.label), noteInput),
      h('div', { class: 'dialog-actions' }, cancel, confirm),
    ]);
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    (noteInput || cancel).focus();
  });
}

/** Marks a button busy while `work` runs, so a double click cannot submit twice. */
export async function busy(button, label, work) {
  const original = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (label) button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    if (label) button.textContent = original;
  }
}

/** Copies text; falls back to a selection for plain-http installs where the Clipboard API is absent. */
export async function copyText(text, sourceElement) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the selection-based copy
    }
  }
  if (!sourceElement) return false;
  const range = document.createRange();
  range.selectNodeContents(sourceElement);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  return copied;
}

// ---- Tables ------------------------------------------------------------------------------

/**
 * `dataTable({caption, columns: [{label, className}], rows: [{cells: [...], className}]})`.
 * The caption is for screen readers; the table scrolls sideways on narrow screens.
 */
export function dataTable({ caption, columns, rows, id }) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'table', id },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col', class: column.className }, column.label)))),
      h('tbody', {}, rows.map((row) => h('tr', { class: row.className, dataset: row.dataset },
        row.cells.map((cell, i) => h('td', { class: columns[i]?.className }, cell)))))));
}
