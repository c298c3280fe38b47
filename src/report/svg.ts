import { escapeHtml } from './escape-html.js';

/** A linear map from a data interval onto a pixel interval. */
export interface Scale {
  (value: number): number;
  domain: readonly [number, number];
}

/** A linear scale; a zero-width domain maps everything to the middle of the range. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const scale = ((value: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((value - d0) / (d1 - d0)) * (r1 - r0))) as Scale;
  scale.domain = domain;
  return scale;
}

/** Round tick values (steps of 1, 2 or 5 × 10^k) covering `[min, max]`, about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max))) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let k = Math.ceil(min / step); k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Extends `[min, max]` outward to round tick values, so the axis starts and ends on a tick. */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (min === max) return [min - 1, max + 1];
  const ticks = niceTicks(min, max, count);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  return [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step];
}

/** A number for people: up to `digits` decimals, trailing zeros dropped, a real minus sign. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const text = Number(value.toFixed(digits)).toString();
  return text.startsWith('-') ? `\u2212${text.slice(1)}` : text;
}

/** A share as a percentage with one decimal (`–` when there is no denominator). */
export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;
}

/** Pixel coordinates, rounded to 0.1 px to keep the file small. */
export function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Attribute list from a record; values are escaped, `undefined` ones left out. */
export function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(typeof v === 'number' ? px(v) : v!)}"`)
    .join('');
}

/** An SVG element; `children` is markup already escaped by the caller. */
export function el(name: string, values: Record<string, string | number | undefined>, children = ''): string {
  return children === '' && name !== 'text' && name !== 'title' ? `<${name}${attrs(values)}/>` : `<${name}${attrs(values)}>${children}</${name}>`;
}

/** A `<title>` child (the hover tooltip) holding escaped text. */
export function tooltip(text: string): string {
  return `<title>${escapeHtml(text)}</title>`;
}

/** An SVG path through points (`M x y L x y …`). */
export function polylinePath(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x)} ${px(y)}`).join(' ');
}

/** A deterministic offset in [−1, 1] for strip-plot jitter, so the same data draws the same page. */
export function jitter(seed: number): number {
  let h = (seed + 1) * 2654435761;
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 2246822507) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  return (h / 0xffffffff) * 2 - 1;
}

/** Quartiles by linear interpolation (type 7, as numpy and R default), of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
