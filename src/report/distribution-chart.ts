import { escapeHtml } from './escape-html.js';
import { COLORS } from './palette.js';
import { el, formatNumber, jitter, linearScale, niceDomain, niceTicks, quantile, tooltip } from './svg.js';

/** One group of a strip plot: its label, colour and values. */
export interface DistributionGroup {
  label: string;
  color: string;
  values: readonly number[];
}

const WIDTH = 288;
const HEIGHT = 250;
const LEFT = 46;
const RIGHT = 10;
const TOP = 30;
const BOTTOM = 210;

/**
 * A box plot (quartiles, median, whiskers to the furthest point within 1.5 IQR) over a strip of
 * every value, one column per group, for one proxy. `reference` draws a dashed line (e.g. the
 * PDI threshold). Jitter is deterministic, so the same data draws the same picture.
 */
export function renderDistributionChart(title: string, groups: readonly DistributionGroup[], reference?: { value: number; label: string }): string {
  const all = groups.flatMap((g) => g.values);
  const extra = reference ? [reference.value] : [];
  const [lo, hi] = all.length === 0 ? [0, 1] : niceDomain(Math.min(...all, ...extra), Math.max(...all, ...extra), 4);
  const y = linearScale([lo, hi], [BOTTOM, TOP]);
  const band = (WIDTH - LEFT - RIGHT) / Math.max(1, groups.length);
  const parts: string[] = [
    el('text', { class: 'chart-title', x: LEFT, y: 16 }, escapeHtml(title)),
    el('rect', { class: 'panel', x: LEFT, y: TOP, width: WIDTH - LEFT - RIGHT, height: BOTTOM - TOP, fill: COLORS.panel }),
  ];
  for (const tick of niceTicks(lo, hi, 4)) {
    parts.push(el('line', { class: 'grid', x1: LEFT, x2: WIDTH - RIGHT, y1: y(tick), y2: y(tick), stroke: COLORS.grid }));
    parts.push(el('text', { class: 'tick', x: LEFT - 6, y: y(tick) + 3.5, 'text-anchor': 'end' }, escapeHtml(formatNumber(tick, 2))));
  }
  if (reference) {
    parts.push(el('line', { class: 'threshold-line', x1: LEFT, x2: WIDTH - RIGHT, y1: y(reference.value), y2: y(reference.value), stroke: COLORS.threshold, 'stroke-dasharray': '6 4' }));
    parts.push(el('text', { class: 'threshold-label', x: WIDTH - RIGHT - 3, y: y(reference.value) - 4, 'text-anchor': 'end', fill: COLORS.threshold }, escapeHtml(reference.label)));
  }

  groups.forEach((group, g) => {
    const cx = LEFT + (g + 0.5) * band;
    const sorted = [...group.values].sort((a, b) => a - b);
    parts.push(el('text', { class: 'group-label', x: cx, y: BOTTOM + 16, 'text-anchor': 'middle' }, escapeHtml(group.label)));
    parts.push(el('text', { class: 'tick', x: cx, y: BOTTOM + 30, 'text-anchor': 'middle' }, `n=${sorted.length}`));
    if (sorted.length === 0) return;
    const q1 = quantile(sorted, 0.25);
    const median = quantile(sorted, 0.5);
    const q3 = quantile(sorted, 0.75);
    const iqr = q3 - q1;
    const low = sorted.find((v) => v >= q1 - 1.5 * iqr) ?? sorted[0];
    const high = [...sorted].reverse().find((v) => v <= q3 + 1.5 * iqr) ?? sorted[sorted.length - 1];
    const half = Math.min(band * 0.3, 28);
    const summary = `${group.label}: n=${sorted.length}, median ${formatNumber(median)}, quartiles ${formatNumber(q1)}–${formatNumber(q3)}, range ${formatNumber(sorted[0])}–${formatNumber(sorted[sorted.length - 1])}`;
    parts.push(
      `<g class="box">${tooltip(summary)}` +
        el('line', { class: 'whisker', x1: cx, x2: cx, y1: y(low), y2: y(high), stroke: group.color, 'stroke-width': 1.2 }) +
        el('line', { class: 'whisker-cap', x1: cx - half / 2, x2: cx + half / 2, y1: y(low), y2: y(low), stroke: group.color }) +
        el('line', { class: 'whisker-cap', x1: cx - half / 2, x2: cx + half / 2, y1: y(high), y2: y(high), stroke: group.color }) +
        el('rect', { class: 'box-body', x: cx - half, y: y(q3), width: half * 2, height: Math.max(1, y(q1) - y(q3)), fill: group.color, 'fill-opacity': 0.16, stroke: group.color, 'stroke-width': 1.2 }) +
        el('line', { class: 'median', x1: cx - half, x2: cx + half, y1: y(median), y2: y(median), stroke: group.color, 'stroke-width': 2.2 }) +
        '</g>',
    );
    group.values.forEach((value, i) => {
      parts.push(el('circle', { class: 'strip-point', cx: cx + jitter(i * 7919 + g) * half * 0.85, cy: y(value), r: 2.6, fill: group.color, 'fill-opacity': 0.75 }));
    });
  });
  return `<svg class="distribution-chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

