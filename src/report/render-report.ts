import { createHash } from 'node:crypto';
import type { InterventionRow, TaskSummaryRow } from '../analytics/summary.js';
import { renderDistributionChart, type DistributionGroup } from './distribution-chart.js';
import { escapeHtml } from './escape-html.js';
import { PAGE_STYLE, SORT_SCRIPT } from './page-assets.js';
import { COLORS, outcomeColor, STATUS_STYLES } from './palette.js';
import type { ReportData, ReportStep, ReportTask } from './report-data.js';
import { el, formatNumber, formatPercent, tooltip } from './svg.js';
import { renderTaskChart } from './task-chart.js';

/**
 * Renders the report as one self-contained HTML page: inline CSS, inline SVG charts, one small
 * inline script (table sorting), and a Content Security Policy that allows only those two by
 * hash, so the page can load nothing from anywhere. Every text from the data is escaped.
 * Pure: the same data gives the same bytes.
 */
export function renderReport(data: ReportData): string {
  const csp = [
    "default-src 'none'",
    `style-src '${sha256(PAGE_STYLE)}'`,
    `script-src '${sha256(SORT_SCRIPT)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const body = [header(data), interventionsSection(data), outcomesSection(data), taskTableSection(data), runsSection(data), footer(data)].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="trajkit">
<title>${escapeHtml(data.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
${body}
<script>${SORT_SCRIPT}</script>
</body>
</html>
`;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

function header(data: ReportData): string {
  const o = data.summary.overall;
  const origin =
    data.summary.origin === 'preferred' ? 'recorded PDI snapshots (recomputed where a task has none)' : `${data.summary.origin} PDI snapshots`;
  const cards: [string, string][] = [
    ['tasks', String(o.tasks)],
    ['solved', String(o.solved)],
    ['unsolved', String(o.unsolved)],
    ['stopped early', String(o.stopped)],
    ['attempts', String(o.attempts)],
    ['PDI steps', String(o.steps)],
    ['soft triggers', String(o.soft)],
    ['strong triggers', String(o.strong)],
  ];
  return `<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="lead">${data.counts.trajectories} trajectories from ${data.inputs.map((i) => `<code>${escapeHtml(i)}</code>`).join(', ')}; charts use ${escapeHtml(origin)}.${data.generated ? ` Generated ${escapeHtml(data.generated)}.` : ''}</p>
<div class="cards">${cards.map(([label, value]) => `<div class="card"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div></div>`).join('')}</div>
</header>
<main>`;
}

function interventionsSection(data: ReportData): string {
  const rows = data.summary.interventions;
  const table = `<table class="interventions-table">
<thead><tr><th>feedback in the prompt</th><th class="num">attempts</th><th class="num">passed</th><th class="num">pass rate</th><th class="num">tasks</th><th class="num">solved then or later</th></tr></thead>
<tbody>${rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.intervention)}</td><td class="num">${r.attempts}</td><td class="num">${r.passed}</td><td class="num">${formatPercent(r.pass_rate)}</td><td class="num">${r.tasks}</td><td class="num">${r.tasks_solved_later}/${r.tasks} (${formatPercent(r.solved_later_rate)})</td></tr>`,
    )
    .join('')}</tbody></table>`;
  return `<h2>Does an intervention help?</h2>
<p class="muted">Attempts that followed a PDI snapshot, by the feedback SPARK put into their prompt: soft (“Exploration Feedback”: re-examine the verified facts), strong (“Critical Exploration Feedback”: change approach, Next Strategy withheld) or none (the latest snapshot did not trigger).</p>
<div class="panel-box row">${interventionChart(rows)}${table}</div>`;
}

function interventionChart(rows: readonly InterventionRow[]): string {
  const width = 470;
  const left = 70;
  const barMax = 300;
  const rowHeight = 44;
  const top = 26;
  const height = top + rows.length * rowHeight + 8;
  const colors: Record<string, string> = { soft: COLORS.soft, strong: COLORS.strong, none: '#8f8f8f' };
  const parts: string[] = [
    el('text', { class: 'chart-title', x: 0, y: 14 }, 'Pass rate after the feedback'),
    el('line', { x1: left, x2: left, y1: top - 4, y2: height - 4, stroke: COLORS.axis }),
  ];
  rows.forEach((r, i) => {
    const y = top + i * rowHeight;
    const color = colors[r.intervention] ?? '#8f8f8f';
    parts.push(el('text', { class: 'group-label', x: left - 8, y: y + 14, 'text-anchor': 'end' }, escapeHtml(r.intervention)));
    parts.push(
      el('rect', { class: 'rate-bar', x: left, y, width: Math.max(1, (r.pass_rate ?? 0) * barMax), height: 16, fill: color }, tooltip(`${r.intervention}: ${r.passed} of ${r.attempts} attempts passed`)),
    );
    parts.push(el('text', { class: 'tick', x: left + Math.max(1, (r.pass_rate ?? 0) * barMax) + 6, y: y + 12 }, escapeHtml(`${r.passed}/${r.attempts} attempts (${formatPercent(r.pass_rate)})`)));
    parts.push(
      el(
        'rect',
        { class: 'later-bar', x: left, y: y + 19, width: Math.max(1, (r.solved_later_rate ?? 0) * barMax), height: 8, fill: color, 'fill-opacity': 0.35 },
        tooltip(`${r.intervention}: ${r.tasks_solved_later} of ${r.tasks} tasks solved then or later`),
      ),
    );
    parts.push(el('text', { class: 'tick', x: left + Math.max(1, (r.solved_later_rate ?? 0) * barMax) + 6, y: y + 27 }, escapeHtml(`${r.tasks_solved_later}/${r.tasks} tasks solved later`)));
  });
  return `<svg class="intervention-chart" role="img" aria-label="Pass rate after soft, strong or no PDI feedback" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

const PROXIES: { key: keyof ReportStep; title: string }[] = [
  { key: 'proxy_exec', title: 'exec (facts backed by commands)' },
  { key: 'proxy_plan', title: 'plan (strategy overlap)' },
  { key: 'proxy_oss', title: 'oss (facts/failures repeat)' },
  { key: 'weighted_pdi', title: 'weighted PDI' },
];

function outcomesSection(data: ReportData): string {
  const outcomes = [...new Set(data.tasks.map((t) => t.final_outcome ?? 'unknown'))].sort((a, b) => outcomeOrder(a) - outcomeOrder(b));
  const thresholds = new Set(data.tasks.filter((t) => t.steps.length > 0).map((t) => t.threshold));
  const threshold = thresholds.size === 1 ? [...thresholds][0] : undefined;
  const charts = PROXIES.map(({ key, title }) => {
    const groups: DistributionGroup[] = outcomes.map((outcome) => ({
      label: outcome,
      color: outcomeColor(outcome),
      values: data.tasks
        .filter((t) => (t.final_outcome ?? 'unknown') === outcome)
        .flatMap((t) => t.steps.map((s) => s[key]))
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v)),
    }));
    const reference = key === 'weighted_pdi' && threshold !== undefined ? { value: threshold, label: `threshold ${formatNumber(threshold)}` } : undefined;
    return renderDistributionChart(title, groups, reference);
  }).join('');
  const table = `<table class="outcomes-table">
<thead><tr><th>final outcome</th><th class="num">tasks</th><th class="num">steps</th><th class="num">exec</th><th class="num">plan</th><th class="num">oss</th><th class="num">raw PDI</th><th class="num">weighted PDI</th><th class="num">triggered</th></tr></thead>
<tbody>${data.summary.byOutcome
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.final_outcome)}</td><td class="num">${r.tasks}</td><td class="num">${r.steps}</td><td class="num">${formatNumber(r.mean_proxy_exec)}</td><td class="num">${formatNumber(r.mean_proxy_plan)}</td><td class="num">${formatNumber(r.mean_proxy_oss)}</td><td class="num">${formatNumber(r.mean_raw_pdi)}</td><td class="num">${formatNumber(r.mean_weighted_pdi)}</td><td class="num">${formatPercent(r.trigger_rate)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
  return `<h2>Proxies by final outcome</h2>
<p class="muted">Every PDI step, grouped by how its task ended (solved; unsolved after its attempt budget; stopped early without a pass). Boxes: quartiles and median; whiskers: 1.5 IQR; dots: steps. Means over steps below.</p>
<div class="panel-box"><div class="row">${charts}</div>${table}</div>`;
}

function outcomeOrder(outcome: string): number {
  return ({ solved: 0, unsolved: 1, stopped: 2 } as Record<string, number>)[outcome] ?? 3;
}

const TASK_COLUMNS: { label: string; type: 'text' | 'number'; cell: (t: TaskSummaryRow, index: number) => { text: string; sort?: number | null; html?: string } }[] = [
  { label: 'task', type: 'text', cell: (t, i) => ({ text: t.task, html: i >= 0 ? `<a href="#task-${i}">${escapeHtml(t.task)}</a>` : escapeHtml(t.task) }) },
  {
    label: 'outcome',
    type: 'text',
    cell: (t) => ({ text: t.final_outcome ?? '', html: t.final_outcome ? `<span class="badge" data-outcome="${escapeHtml(t.final_outcome)}">${escapeHtml(t.final_outcome)}</span>` : '' }),
  },
  { label: 'attempts', type: 'number', cell: (t) => num(t.attempts) },
  { label: 'first pass', type: 'number', cell: (t) => num(t.first_pass_attempt) },
  { label: 'best reward', type: 'number', cell: (t) => num(t.best_reward) },
  { label: 'steps', type: 'number', cell: (t) => num(t.steps) },
  { label: 'soft', type: 'number', cell: (t) => num(t.soft) },
  { label: 'strong', type: 'number', cell: (t) => num(t.strong) },
  { label: 'first trigger', type: 'number', cell: (t) => num(t.first_trigger_attempt) },
  { label: 'min wPDI', type: 'number', cell: (t) => num(t.min_weighted_pdi) },
  { label: 'mean exec', type: 'number', cell: (t) => num(t.mean_proxy_exec) },
  { label: 'mean plan', type: 'number', cell: (t) => num(t.mean_proxy_plan) },
  { label: 'mean oss', type: 'number', cell: (t) => num(t.mean_proxy_oss) },
  { label: 'pass after', type: 'text', cell: (t) => ({ text: t.pass_intervention ?? '' }) },
];

function num(value: number | null): { text: string; sort: number | null } {
  return { text: value === null ? '' : formatNumber(value), sort: value };
}

function taskTableSection(data: ReportData): string {
  const chartIndex = new Map(data.tasks.map((t, i) => [t.task, i]));
  const head = TASK_COLUMNS.map((c) => `<th data-type="${c.type}"${c.type === 'number' ? ' class="num"' : ''}><button type="button">${escapeHtml(c.label)}</button></th>`).join('');
  const rows = data.summary.tasks
    .map((t) => {
      const cells = TASK_COLUMNS.map((c) => {
        const cell = c.cell(t, chartIndex.get(t.task) ?? -1);
        const sort = cell.sort === undefined ? '' : ` data-sort="${cell.sort === null ? '' : String(cell.sort)}"`;
        const cls = c.type === 'number' ? ' class="num"' : c.label === 'task' ? ' class="task-name"' : '';
        return `<td${cls}${sort}>${cell.html ?? escapeHtml(cell.text)}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<h2>Tasks</h2>
<p class="muted">Click a column to sort; click a task to jump to its chart. “pass after”: the feedback the first passing attempt's prompt carried.</p>
<div class="table-wrap"><table class="sortable task-table"><thead><tr>${head}</tr></thead><tbody>
${rows}
</tbody></table></div>`;
}

function runsSection(data: ReportData): string {
  const cards = data.tasks.map((task, i) => taskCard(task, i)).join('\n');
  return `<h2>Runs per task</h2>
<p class="muted">Above: weighted PDI per reflected attempt against the trigger threshold (raw PDI dashed); a step below the threshold triggers soft feedback, a second one in a row strong feedback. Middle: the feedback each attempt's prompt carried. Below: reward per attempt, coloured by status. Hover for values.</p>
${legend()}
<div class="charts-grid">
${cards}
</div>`;
}

function taskCard(task: ReportTask, index: number): string {
  const soft = task.steps.filter((s) => s.triggered && s.level === 'soft').length;
  const strong = task.steps.filter((s) => s.triggered && s.level === 'strong').length;
  const firstPass = task.attempts.find((a) => a.passed);
  const unplaced = task.steps.filter((s) => s.attempt === null).length;
  const meta = [
    `${task.attempts.length} attempt${task.attempts.length === 1 ? '' : 's'}${task.max_attempts !== null ? ` of ${task.max_attempts}` : ''}`,
    firstPass ? `passed at attempt ${firstPass.attempt}` : 'no pass',
    `${task.steps.length} PDI step${task.steps.length === 1 ? '' : 's'}`,
    `${soft} soft, ${strong} strong`,
    ...(unplaced > 0 ? [`${unplaced} step(s) not tied to an attempt (not drawn)`] : []),
  ].join(' · ');
  const badge = task.final_outcome ? `<span class="badge" data-outcome="${escapeHtml(task.final_outcome)}">${escapeHtml(task.final_outcome)}</span>` : '';
  return `<section class="task-card" id="task-${index}" data-task-index="${index}" data-steps="${task.steps.length}" data-triggers="${soft + strong}" data-attempts="${task.attempts.length}">
<h3>${escapeHtml(task.task)}${badge}</h3>
<div class="meta">${escapeHtml(meta)}</div>
${renderTaskChart(task, index)}
</section>`;
}

function legend(): string {
  const swatch = (inner: string, w = 22) => `<svg width="${w}" height="14" viewBox="0 0 ${w} 14" aria-hidden="true">${inner}</svg>`;
  const items: string[] = [
    `${swatch(el('line', { x1: 1, x2: 21, y1: 7, y2: 7, stroke: COLORS.pdi, 'stroke-width': 2 }) + el('circle', { cx: 11, cy: 7, r: 3.5, fill: COLORS.pdi }))}weighted PDI`,
    `${swatch(el('line', { x1: 1, x2: 21, y1: 7, y2: 7, stroke: COLORS.raw, 'stroke-dasharray': '3 3' }))}raw PDI`,
    `${swatch(el('line', { x1: 1, x2: 21, y1: 7, y2: 7, stroke: COLORS.threshold, 'stroke-dasharray': '6 4' }))}threshold`,
    `${swatch(el('path', { d: 'M11 1 L17.3 11.5 L4.7 11.5 Z', fill: COLORS.soft }))}soft trigger`,
    `${swatch(el('path', { d: 'M11 0.5 L17.5 7 L11 13.5 L4.5 7 Z', fill: COLORS.strong }))}strong trigger`,
    `${swatch(el('rect', { x: 2, y: 2, width: 18, height: 10, rx: 2, fill: COLORS.soft }))}/${swatch(el('rect', { x: 2, y: 2, width: 18, height: 10, rx: 2, fill: COLORS.strong }))}feedback in prompt`,
    `${swatch(el('circle', { cx: 11, cy: 7, r: 6, fill: COLORS.pass }))}first PASS`,
    ...Object.values(STATUS_STYLES).map((s) => `${swatch(el('rect', { x: 4, y: 1, width: 14, height: 12, fill: s.color }))}${escapeHtml(s.label)}`),
  ];
  return `<div class="legend">${items.map((i) => `<span>${i}</span>`).join('')}</div>`;
}

function footer(data: ReportData): string {
  const notes = Object.entries(data.notes).map(([code, n]) => `${escapeHtml(code)} ×${n}`);
  return `</main>
<footer>
<p>${data.leftOut > 0 ? `<strong>${data.leftOut} record(s) could not be read and are left out</strong> (run <code>trajkit query</code> on the same inputs to list them). ` : 'Every record was read. '}${notes.length > 0 ? `Notes on the data: ${notes.join(', ')}.` : ''}</p>
<p>Made by trajkit. Self-contained: no scripts or styles beyond this file, no network.</p>
</footer>`;
}
