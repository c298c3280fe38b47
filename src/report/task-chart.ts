import { escapeHtml } from './escape-html.js';
import { COLORS, statusStyle } from './palette.js';
import type { ReportAttempt, ReportStep, ReportTask } from './report-data.js';
import { el, formatNumber, linearScale, niceDomain, niceTicks, polylinePath, px, tooltip } from './svg.js';

const WIDTH = 600;
const LEFT = 56;
const RIGHT = 14;
const PDI_TOP = 14;
const PDI_BOTTOM = 164;
const STRIP_TOP = 172;
const STRIP_HEIGHT = 11;
const REWARD_TOP = 194;
const REWARD_BOTTOM = 252;
const AXIS_LABELS = 268;
const HEIGHT = 286;

/**
 * One task's run as an SVG (the kind of case-study figure the SPARK paper shows): above, the
 * weighted PDI per attempt against the trigger threshold (raw PDI dashed), soft and strong
 * triggers marked; in the middle, the PDI feedback each attempt's prompt carried; below, the
 * reward per attempt coloured by status, with the first PASS marked across the chart.
 */
export function renderTaskChart(task: ReportTask, index: number): string {
  const attemptNumbers = [...task.attempts.map((a) => a.attempt), ...task.steps.flatMap((s) => (s.attempt === null ? [] : [s.attempt]))];
  const count = Math.max(1, ...attemptNumbers.map((a) => a + 1));
  const band = (WIDTH - LEFT - RIGHT) / count;
  const x = (attempt: number) => LEFT + (attempt + 0.5) * band;
  const placed = task.steps.filter((s): s is ReportStep & { attempt: number } => s.attempt !== null);
  const firstPass = task.attempts.find((a) => a.passed);

  const parts: string[] = [];
  parts.push(pdiPanel(task, placed, x));
  if (firstPass) {
    // drawn under the feedback strip and the reward bars, over the PDI panel
    parts.push(
      el('line', {
        class: 'pass-line',
        x1: x(firstPass.attempt),
        x2: x(firstPass.attempt),
        y1: PDI_TOP,
        y2: REWARD_BOTTOM,
        stroke: COLORS.pass,
        'stroke-width': 1.5,
        'stroke-dasharray': '2 3',
      }),
    );
  }
  parts.push(feedbackStrip(task.attempts, x, band));
  parts.push(rewardPanel(task.attempts, x, band));
  parts.push(xAxis(count, x));
  const label = `PDI and reward per attempt for task ${task.task}`;
  return `<svg class="task-chart" id="chart-${index}" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

function pdiPanel(task: ReportTask, steps: readonly (ReportStep & { attempt: number })[], x: (a: number) => number): string {
  const parts: string[] = [el('rect', { class: 'panel', x: LEFT, y: PDI_TOP, width: WIDTH - LEFT - RIGHT, height: PDI_BOTTOM - PDI_TOP, fill: COLORS.panel })];
  const values = steps.flatMap((s) => [s.weighted_pdi, s.raw_pdi]).filter((v): v is number => v !== null && Number.isFinite(v));
  const [lo, hi] = niceDomain(Math.min(task.threshold, 0, ...values), Math.max(task.threshold, 0, ...values), 4);
  const y = linearScale([lo, hi], [PDI_BOTTOM, PDI_TOP]);

  for (const tick of niceTicks(lo, hi, 4)) {
    parts.push(el('line', { class: 'grid', x1: LEFT, x2: WIDTH - RIGHT, y1: y(tick), y2: y(tick), stroke: COLORS.grid }));
    parts.push(el('text', { class: 'tick', x: LEFT - 6, y: y(tick) + 3.5, 'text-anchor': 'end' }, escapeHtml(formatNumber(tick, 2))));
  }
  parts.push(el('rect', { class: 'below-threshold', x: LEFT, y: y(task.threshold), width: WIDTH - LEFT - RIGHT, height: PDI_BOTTOM - y(task.threshold), fill: COLORS.belowThreshold }));
  parts.push(el('line', { class: 'zero', x1: LEFT, x2: WIDTH - RIGHT, y1: y(0), y2: y(0), stroke: COLORS.axis, 'stroke-width': 0.8 }));
  parts.push(
    el('line', { class: 'threshold-line', x1: LEFT, x2: WIDTH - RIGHT, y1: y(task.threshold), y2: y(task.threshold), stroke: COLORS.threshold, 'stroke-width': 1.2, 'stroke-dasharray': '6 4' }),
  );
  parts.push(
    el('text', { class: 'threshold-label', x: WIDTH - RIGHT - 4, y: y(task.threshold) - 4, 'text-anchor': 'end', fill: COLORS.threshold }, escapeHtml(`threshold ${formatNumber(task.threshold)}`)),
  );
  parts.push(el('text', { class: 'axis-title', transform: `translate(14 ${px((PDI_TOP + PDI_BOTTOM) / 2)}) rotate(-90)`, 'text-anchor': 'middle' }, 'weighted PDI'));

  if (steps.length === 0) {
    const why = task.steps.length > 0 ? `${task.steps.length} PDI snapshot(s) not tied to an attempt` : task.attempts.some((a) => a.passed) && task.attempts.length === 1 ? 'no PDI snapshot: solved on the first attempt' : 'no PDI snapshot';
    parts.push(el('text', { class: 'empty-note', x: (LEFT + WIDTH - RIGHT) / 2, y: (PDI_TOP + PDI_BOTTOM) / 2 - 14, 'text-anchor': 'middle' }, escapeHtml(why)));
    return `<g class="pdi-panel">${parts.join('')}</g>`;
  }

  const rawPoints = steps.filter((s) => s.raw_pdi !== null).map((s) => [x(s.attempt), y(s.raw_pdi!)] as const);
  if (rawPoints.length > 1) parts.push(el('path', { class: 'raw-line', d: polylinePath(rawPoints), fill: 'none', stroke: COLORS.raw, 'stroke-width': 1.2, 'stroke-dasharray': '3 3' }));
  for (const [cx, cy] of rawPoints) parts.push(el('circle', { class: 'raw-point', cx, cy, r: 2.4, fill: '#ffffff', stroke: COLORS.raw }));

  const weighted = steps.filter((s) => s.weighted_pdi !== null);
  const points = weighted.map((s) => [x(s.attempt), y(s.weighted_pdi!)] as const);
  if (points.length > 1) parts.push(el('path', { class: 'pdi-line', d: polylinePath(points), fill: 'none', stroke: COLORS.pdi, 'stroke-width': 2, 'stroke-linejoin': 'round' }));
  weighted.forEach((s, i) => {
    const [cx, cy] = points[i];
    const text = stepTooltip(s);
    if (s.triggered && (s.level === 'soft' || s.level === 'strong')) {
      const shape = s.level === 'soft' ? trianglePath(cx, cy, 7.5) : diamondPath(cx, cy, 7.5);
      const fill = s.level === 'soft' ? COLORS.soft : COLORS.strong;
      parts.push(el('path', { class: `marker marker-${s.level}`, d: shape, fill, stroke: '#ffffff', 'stroke-width': 1.2 }, tooltip(text)));
    } else {
      parts.push(el('circle', { class: 'pdi-point', cx, cy, r: 3.6, fill: COLORS.pdi, stroke: '#ffffff', 'stroke-width': 1 }, tooltip(text)));
    }
  });
  return `<g class="pdi-panel">${parts.join('')}</g>`;
}

function stepTooltip(s: ReportStep & { attempt: number }): string {
  const trigger = s.triggered ? `${s.level ?? ''} trigger`.trim() : 'no trigger';
  return [
    `attempt ${s.attempt} · step ${s.step ?? '–'} · ${trigger}`,
    `weighted PDI ${formatNumber(s.weighted_pdi)} = weight ${formatNumber(s.weight)} × raw ${formatNumber(s.raw_pdi)}`,
    `exec ${formatNumber(s.proxy_exec)} · plan ${formatNumber(s.proxy_plan)} · oss ${formatNumber(s.proxy_oss)}`,
  ].join('\n');
}

function feedbackStrip(attempts: readonly ReportAttempt[], x: (a: number) => number, band: number): string {
  const parts: string[] = [el('text', { class: 'strip-label', x: LEFT - 6, y: STRIP_TOP + STRIP_HEIGHT - 2, 'text-anchor': 'end' }, 'feedback')];
  const width = Math.min(band * 0.7, 40);
  for (const a of attempts) {
    if (a.intervention !== 'soft' && a.intervention !== 'strong') continue;
    const fill = a.intervention === 'soft' ? COLORS.soft : COLORS.strong;
    const text = `attempt ${a.attempt}: the prompt carried ${a.intervention === 'soft' ? 'soft (Exploration Feedback)' : 'strong (Critical Exploration Feedback, Next Strategy withheld)'} PDI feedback`;
    parts.push(el('rect', { class: `feedback feedback-${a.intervention}`, x: x(a.attempt) - width / 2, y: STRIP_TOP, width, height: STRIP_HEIGHT, rx: 2, fill }, tooltip(text)));
  }
  return `<g class="feedback-strip">${parts.join('')}</g>`;
}

function rewardPanel(attempts: readonly ReportAttempt[], x: (a: number) => number, band: number): string {
  const y = linearScale([0, 1], [REWARD_BOTTOM, REWARD_TOP]);
  const parts: string[] = [el('rect', { class: 'panel', x: LEFT, y: REWARD_TOP, width: WIDTH - LEFT - RIGHT, height: REWARD_BOTTOM - REWARD_TOP, fill: COLORS.panel })];
  for (const tick of [0, 0.5, 1]) {
    parts.push(el('line', { class: 'grid', x1: LEFT, x2: WIDTH - RIGHT, y1: y(tick), y2: y(tick), stroke: COLORS.grid }));
    parts.push(el('text', { class: 'tick', x: LEFT - 6, y: y(tick) + 3.5, 'text-anchor': 'end' }, formatNumber(tick)));
  }
  parts.push(el('text', { class: 'axis-title', transform: `translate(14 ${px((REWARD_TOP + REWARD_BOTTOM) / 2)}) rotate(-90)`, 'text-anchor': 'middle' }, 'reward'));
  const width = Math.min(band * 0.7, 40);
  for (const a of attempts) {
    const style = statusStyle(a.status);
    const reward = a.reward === null ? 0 : Math.max(0, Math.min(1, a.reward));
    // A zero reward still gets a visible stub, so its status colour shows.
    const top = Math.min(y(reward), REWARD_BOTTOM - 3);
    const tests = a.n_tests !== null && a.n_tests > 0 ? ` · tests ${a.n_passed ?? 0}/${a.n_tests}` : '';
    const feedback = a.intervention ? ` · ${a.intervention} PDI feedback in prompt` : '';
    const text = `attempt ${a.attempt}: ${a.status ?? 'no status'} · reward ${formatNumber(a.reward)}${tests}${feedback}`;
    parts.push(el('rect', { class: 'reward-bar', x: x(a.attempt) - width / 2, y: top, width, height: REWARD_BOTTOM - top, fill: style.color }, tooltip(text)));
    if (a.passed) {
      parts.push(
        // inside the top of the bar, so it never covers the feedback strip above
        `<g class="pass-marker">${el('circle', { cx: x(a.attempt), cy: REWARD_TOP + 10, r: 7.5, fill: COLORS.pass, stroke: '#ffffff', 'stroke-width': 1.5 })}${el('text', { x: x(a.attempt), y: REWARD_TOP + 13.5, 'text-anchor': 'middle', class: 'pass-check', fill: '#ffffff' }, '✓')}${tooltip(`attempt ${a.attempt} passed`)}</g>`,
      );
    }
  }
  return `<g class="reward-panel">${parts.join('')}</g>`;
}

function xAxis(count: number, x: (a: number) => number): string {
  const every = count <= 20 ? 1 : Math.ceil(count / 20);
  const parts: string[] = [];
  for (let a = 0; a < count; a += every) parts.push(el('text', { class: 'tick', x: x(a), y: AXIS_LABELS, 'text-anchor': 'middle' }, String(a)));
  parts.push(el('text', { class: 'axis-title', x: (LEFT + WIDTH - RIGHT) / 2, y: HEIGHT - 2, 'text-anchor': 'middle' }, 'attempt'));
  return `<g class="x-axis">${parts.join('')}</g>`;
}

function trianglePath(cx: number, cy: number, r: number): string {
  return `M${px(cx)} ${px(cy - r)} L${px(cx + r * 0.9)} ${px(cy + r * 0.65)} L${px(cx - r * 0.9)} ${px(cy + r * 0.65)} Z`;
}

function diamondPath(cx: number, cy: number, r: number): string {
  return `M${px(cx)} ${px(cy - r)} L${px(cx + r)} ${px(cy)} L${px(cx)} ${px(cy + r)} L${px(cx - r)} ${px(cy)} Z`;
}
