// Charts drawn as SVG by hand (no library): horizontal bar charts for the dashboard. Every
// chart is an `<svg role="img">` with a `<title>` and `<desc>`, followed by the same numbers as
// a table for screen readers and for anyone who prefers to read them. Colours come from
// classes in app.css; sizes are SVG attributes, so the Content-Security-Policy stays strict.

import { h, uid } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

/** `svg('rect', {x: 0, width: 10})`: an SVG element; strings become text nodes. */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    else if (key === 'dataset') for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// Sized for a half-width card, where one SVG unit is about one CSS pixel.
const WIDTH = 460;
const LABEL_W = 120;
const VALUE_W = 96;
const ROW_H = 30;
const BAR_H = 16;
const PAD_Y = 8;

/**
 * A horizontal bar chart. `rows` are `{key, label, value, text, className, stub?, dataset?}`:
 * `value` sets the bar's length against the largest one (`stub` draws a sliver for a real zero),
 * `text` is written after the bar. With `isEmpty`, the `empty` sentence is written across it.
 */
export function barChart({ id, title, description, rows, empty, isEmpty, dataset }) {
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const max = Math.max(0, ...rows.map((r) => r.value || 0));
  const plotW = WIDTH - LABEL_W - VALUE_W;
  const height = Math.max(1, rows.length) * ROW_H + PAD_Y * 2;
  const shapes = [];
  rows.forEach((row, i) => {
    const y = PAD_Y + i * ROW_H;
    const barY = y + (ROW_H - BAR_H) / 2;
    const length = max > 0 && row.value > 0 ? Math.max(3, (row.value / max) * plotW) : (row.stub ? 3 : 0);
    const data = { key: row.key, value: row.value ?? '', ...(row.dataset || {}) };
    shapes.push(svg('g', { class: ['chart-row', row.className], dataset: { key: row.key } },
      svg('text', { class: 'chart-label', x: LABEL_W - 12, y: y + ROW_H / 2, 'text-anchor': 'end', 'dominant-baseline': 'central' }, clip(row.label, 18)),
      svg('rect', { class: 'chart-track', x: LABEL_W, y: barY, width: plotW, height: BAR_H, rx: 4 }),
      svg('rect', { class: ['bar', row.className], x: LABEL_W, y: barY, width: length.toFixed(1), height: BAR_H, rx: 4, dataset: data },
        svg('title', {}, `${row.label}: ${row.text}`)),
      !isEmpty && svg('text', { class: 'chart-value', x: LABEL_W + length + 8, y: y + ROW_H / 2, 'dominant-baseline': 'central' }, row.text)));
  });
  if (isEmpty && empty) {
    shapes.push(svg('text', { class: 'chart-empty', x: LABEL_W + plotW / 2, y: height / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, empty));
  }
  return svg('svg', {
    id, class: 'chart', role: 'img', viewBox: `0 0 ${WIDTH} ${height}`, preserveAspectRatio: 'xMinYMin meet',
    'aria-labelledby': `${titleId} ${descId}`, dataset,
  },
  svg('title', { id: titleId }, title),
  svg('desc', { id: descId }, description),
  shapes);
}

function clip(text, max) {
  const chars = [...String(text)];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : String(text);
}

/** The chart's numbers as a table, folded away under "Show the data". */
export function chartTable({ caption, columns, rows, id }) {
  return h('details', { class: 'chart-data' },
    h('summary', {}, 'Show the data as a table'),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'table table-compact', id },
        h('caption', { class: 'visually-hidden' }, caption),
        h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.className }, c.label)))),
        h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell, i) => (i === 0
          ? h('th', { scope: 'row' }, cell)
          : h('td', { class: columns[i]?.className }, cell)))))))));
}
