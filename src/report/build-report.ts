import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic-file.js';
import { InputError, UsageError } from '../errors.js';
import { SUMMARY_STEPS_TABLE, summaryAttemptsTable, summarizeViews, type PdiOrigin } from '../analytics/summary.js';
import { countNotes, withAnalyticsViews, type AnalyticsViewsOptions, type ViewIssue } from '../analytics/views.js';
import { renderReport } from './render-report.js';
import type { ReportAttempt, ReportData, ReportStep, ReportTask } from './report-data.js';

/** SPARK's default trigger threshold (spec §6.5), drawn when a task's snapshots do not record one. */
const DEFAULT_THRESHOLD = -0.5;

/** Options of {@link buildReport}: the views' inputs and loading, and which PDI rows to draw. */
export interface BuildReportOptions extends AnalyticsViewsOptions {
  /** See `PdiSummaryOptions.origin`. */
  origin?: PdiOrigin;
  /** Page title (default "trajkit PDI report"). */
  title?: string;
  /** Shown in the header (e.g. an ISO timestamp); left out when absent. */
  generated?: string;
}

/**
 * Gathers what the HTML report draws from `inputs` (raw SPARK folders or standardized files):
 * per task its attempts (status, reward, intervention received) and PDI steps, plus the
 * summary tables. Returns the data and the issues met while loading.
 */
export async function buildReport(options: BuildReportOptions): Promise<{ data: ReportData; issues: ViewIssue[] }> {
  if (options.origin === 'recomputed' && !options.recompute) throw new UsageError('a report of recomputed PDI needs recompute (raw SPARK inputs)');
  return withAnalyticsViews(options, async ({ db, issues, counts }) => {
    const summary = await summarizeViews(db, options.origin);
    const attempts = await db.rows<ReportAttempt & { task: string; final_outcome: string | null; max_attempts: number | null }>(
      `SELECT task, attempt, status, reward, passed, n_passed, n_tests, intervention, final_outcome, max_attempts
       FROM ${summaryAttemptsTable(options.origin)} ORDER BY task, attempt`,
    );
    const steps = await db.rows<ReportStep & { task: string; threshold: number | null }>(
      `SELECT task, attempt, step, proxy_exec, proxy_plan, proxy_oss, raw_pdi, weight, weighted_pdi, coalesce(triggered, false) AS triggered,
              level, threshold
       FROM ${SUMMARY_STEPS_TABLE} ORDER BY task, attempt NULLS LAST, step`,
    );

    const tasks = new Map<string, ReportTask>();
    const taskOf = (name: string) => {
      let task = tasks.get(name);
      if (!task) {
        task = { task: name, final_outcome: null, max_attempts: null, threshold: DEFAULT_THRESHOLD, attempts: [], steps: [] };
        tasks.set(name, task);
      }
      return task;
    };
    for (const { task, final_outcome, max_attempts, ...attempt } of attempts) {
      const t = taskOf(task);
      t.final_outcome = final_outcome;
      t.max_attempts = max_attempts;
      t.attempts.push(attempt);
    }
    for (const { task, threshold, ...step } of steps) {
      const t = taskOf(task);
      if (threshold !== null) t.threshold = threshold;
      t.steps.push(step);
    }

    const data: ReportData = {
      title: options.title ?? 'trajkit PDI report',
      inputs: [...options.inputs],
      ...(options.generated !== undefined && { generated: options.generated }),
      summary,
      counts,
      leftOut: issues.filter((i) => i.severity === 'error').length,
      notes: countNotes(issues),
      tasks: [...tasks.values()].sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0)),
    };
    return { data, issues };
  });
}

/** Builds the report and writes the HTML to `out` atomically. Returns what was written. */
export async function writeReport(options: BuildReportOptions & { out: string }): Promise<{ out: string; bytes: number; data: ReportData; issues: ViewIssue[] }> {
  // Checked before the inputs are read, so a typo in --out fails at once.
  const folder = await stat(dirname(resolve(options.out))).catch(() => undefined);
  if (!folder?.isDirectory()) throw new InputError(options.out, 'cannot write here: the folder does not exist');
  const { data, issues } = await buildReport(options);
  const html = renderReport(data);
  try {
    await writeFileAtomic(options.out, html);
  } catch (error) {
    throw new InputError(options.out, `cannot write: ${(error as Error).message}`, error);
  }
  return { out: options.out, bytes: Buffer.byteLength(html), data, issues };
}
