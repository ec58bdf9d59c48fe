// The "spider" chart of a match: its six axes (skills, experience, seniority, location,
// compensation, availability), each 0–100, drawn as a hexagon on rings at 25, 50, 75 and 100.
// Drawn as SVG by hand like charts.js: an `<svg role="img">` whose `<title>` names the match
// and whose `<desc>` says the six values, beside a small table of the same numbers (the text
// alternative, and a legend for everyone). Colours come from app.css; geometry from attributes.

import { svg } from './charts.js';
import { h, meter, uid } from './dom.js';
import { label, values } from './labels.js';

/** The axes in drawing order, clockwise from the top. */
export const AXES = values('match_axis');

const R = 72; // the radius of 100
const LABEL_GAP = 12;
const RINGS = [25, 50, 75, 100];

/** The point of `value` (0–100) on axis `i`, as [x, y] around the centre. */
function point(i, value) {
  const angle = -Math.PI / 2 + (i * 2 * Math.PI) / AXES.length;
  const r = (Math.max(0, Math.min(100, value)) / 100) * R;
  return [r * Math.cos(angle), r * Math.sin(angle)];
}

function points(valuesByAxis) {
  return valuesByAxis.map((v, i) => point(i, v).map((n) => n.toFixed(1)).join(',')).join(' ');
}

/** An axis value as a whole number 0–100 (a missing one reads 0). */
function score(breakdown, axis) {
  const n = Number(breakdown?.[axis]);
  return Number.isFinite(n) ? Math.round(Math.max(0, Math.min(100, n))) : 0;
}

/** "Skills 80, Experience 60, …, each out of 100": what the chart shows, in words. */
export function describe(breakdown) {
  return `${AXES.map((axis) => `${label('match_axis', axis)} ${score(breakdown, axis)}`).join(', ')}, each out of 100.`;
}

/**
 * `radarChart({id, title, breakdown})`: a `<figure class="radar">` with the chart and the table
 * of its six values (`.radar-table`, one row per axis with `data-axis`).
 */
export function radarChart({ id, title, breakdown }) {
  const titleId = uid('radar-title');
  const descId = uid('radar-desc');
  const scores = AXES.map((axis) => score(breakdown, axis));
  const axisLabels = AXES.map((axis, i) => {
    const [x, y] = point(i, 100 + (LABEL_GAP / R) * 100);
    const anchor = Math.abs(x) < 1 ? 'middle' : (x > 0 ? 'start' : 'end');
    const baseline = Math.abs(x) < 1 ? (y < 0 ? 'auto' : 'hanging') : 'central';
    return svg('text', {
      class: 'radar-label', x: x.toFixed(1), y: y.toFixed(1), 'text-anchor': anchor, 'dominant-baseline': baseline,
    }, label('match_axis', axis));
  });
  const chart = svg('svg', {
    id, class: 'radar-chart', role: 'img', viewBox: '-150 -98 300 196', preserveAspectRatio: 'xMidYMid meet',
    'aria-labelledby': `${titleId} ${descId}`,
  },
  svg('title', { id: titleId }, title),
  svg('desc', { id: descId }, describe(breakdown)),
  RINGS.map((ring) => svg('polygon', { class: ['radar-ring', ring === 100 && 'radar-ring-outer'], points: points(AXES.map(() => ring)) })),
  AXES.map((axis, i) => {
    const [x, y] = point(i, 100);
    return svg('line', { class: 'radar-spoke', x1: 0, y1: 0, x2: x.toFixed(1), y2: y.toFixed(1) });
  }),
  svg('polygon', { class: 'radar-area', points: points(scores) }),
  AXES.map((axis, i) => {
    const [x, y] = point(i, scores[i]);
    return svg('circle', { class: 'radar-dot', cx: x.toFixed(1), cy: y.toFixed(1), r: 3, dataset: { axis, value: scores[i] } },
      svg('title', {}, `${label('match_axis', axis)}: ${scores[i]}`));
  }),
  axisLabels);

  const table = h('table', { class: 'radar-table' },
    h('caption', { class: 'visually-hidden' }, `${title}: score by axis, out of 100`),
    h('thead', { class: 'visually-hidden' }, h('tr', {}, h('th', { scope: 'col' }, 'Axis'), h('th', { scope: 'col' }, 'Score'))),
    h('tbody', {}, AXES.map((axis, i) => h('tr', { dataset: { axis } },
      h('th', { scope: 'row' }, label('match_axis', axis)),
      h('td', { class: 'radar-value' },
        meter(scores[i]),
        h('span', { class: 'radar-number' }, String(scores[i])))))));
  return h('figure', { class: 'radar' }, chart, table);
}

