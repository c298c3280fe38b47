import { UsageError } from '../errors.js';
import type { DuckDb } from './duckdb.js';
import { formatTextTable } from './text-table.js';
import { attemptsTableSql, countNotes, withAnalyticsViews, type AnalyticsViewsOptions, type ViewCounts, type ViewIssue } from './views.js';

/** Which PDI rows a summary reads. */
export type PdiOrigin = 'recorded' | 'recomputed';

/** Options of {@link pdiSummary}: the views' inputs and loading, and which PDI rows to read. */
export interface PdiSummaryOptions extends AnalyticsViewsOptions {
  /**
   * `recorded`: the snapshots SPARK wrote (what the agent was actually shown); `recomputed`: the
   * batch engine's rows (needs `recompute`; with what-if overrides, interventions are
   * hypothetical). Default: recorded where a task has them, else recomputed.
   */
  origin?: PdiOrigin;
}

/** One task: its run, its PDI steps and triggers. */
export interface TaskSummaryRow {
  task: string;
  /** `solved` (an attempt passed), `stopped` (ended before its attempt budget without a pass), `unsolved`. */
  final_outcome: string | null;
  /** `PASS` when solved, else the last attempt's status. */
  final_status: string | null;
  attempts: number;
  max_attempts: number | null;
  first_pass_attempt: number | null;
  best_reward: number | null;
  /** PDI snapshots (one per reflected attempt). */
  steps: number;
  soft: number;
  strong: number;
  first_trigger_attempt: number | null;
  min_weighted_pdi: number | null;
  mean_weighted_pdi: number | null;
  mean_proxy_exec: number | null;
  mean_proxy_plan: number | null;
  mean_proxy_oss: number | null;
  /** Attempts whose prompt carried soft or strong PDI feedback. */
  interventions: number;
  /** The feedback the first passing attempt's prompt carried (`none` when it carried none; null when unsolved). */
  pass_intervention: 'soft' | 'strong' | 'none' | null;
}

/** Totals over all tasks. */
export interface OverallSummary {
  tasks: number;
  solved: number;
  unsolved: number;
  stopped: number;
  attempts: number;
  steps: number;
  soft: number;
  strong: number;
  tasks_with_trigger: number;
  solved_with_trigger: number;
  tasks_without_trigger: number;
  solved_without_trigger: number;
}

/** Mean proxies over the PDI steps of tasks with one final outcome (`all`: every task). */
export interface OutcomeProxyRow {
  final_outcome: string;
  tasks: number;
  steps: number;
  mean_proxy_exec: number | null;
  mean_proxy_plan: number | null;
  mean_proxy_oss: number | null;
  mean_raw_pdi: number | null;
  mean_weighted_pdi: number | null;
  /** Share of steps that triggered. */
  trigger_rate: number | null;
}

/**
 * Attempts that came after a PDI snapshot, by the feedback their prompt carried (`none`: the
 * latest snapshot did not trigger): how often that attempt passed, and how often its task was
 * solved then or later.
 */
export interface InterventionRow {
  intervention: 'soft' | 'strong' | 'none';
  attempts: number;
  passed: number;
  pass_rate: number | null;
  tasks: number;
  tasks_solved_later: number;
  solved_later_rate: number | null;
}

/** What {@link pdiSummary} returns. */
export interface PdiSummary {
  /** The origin asked for, or `preferred` (recorded where present, else recomputed). */
  origin: PdiOrigin | 'preferred';
  overall: OverallSummary;
  interventions: InterventionRow[];
  byOutcome: OutcomeProxyRow[];
  tasks: TaskSummaryRow[];
  issues: ViewIssue[];
  counts: ViewCounts;
}

/**
 * The tables a researcher asks for first about a SPARK-style run (per task and overall): steps
 * and triggers by level, mean proxies by final outcome, and how often a soft or strong
 * intervention was followed by a pass. Loads `inputs` like `trajkit query` (raw SPARK folders or
 * standardized files) and computes everything in DuckDB.
 */
export async function pdiSummary(options: PdiSummaryOptions): Promise<PdiSummary> {
  if (options.origin === 'recomputed' && !options.recompute) {
    throw new UsageError('a summary of recomputed PDI needs recompute (raw SPARK inputs)');
  }
  return withAnalyticsViews(options, async ({ db, issues, counts }) => ({ ...(await summarizeViews(db, options.origin)), issues, counts }));
}

/** The table {@link summarizeViews} leaves behind: the `steps` rows of the origin it summarized. */
export const SUMMARY_STEPS_TABLE = 'tk_summary_steps';

/** The attempts table {@link summarizeViews} read for `origin` (`attempts` itself by default). */
export function summaryAttemptsTable(origin: PdiOrigin | undefined): string {
  return origin === undefined ? 'attempts' : `tk_summary_attempts_${origin}`;
}

/**
 * The summary tables of an open session (see {@link openAnalyticsViews}). Leaves the rows it
 * read in {@link SUMMARY_STEPS_TABLE} and {@link summaryAttemptsTable}, for callers that draw them.
 */
export async function summarizeViews(db: DuckDb, origin?: PdiOrigin): Promise<Omit<PdiSummary, 'issues' | 'counts'>> {
  const attempts = summaryAttemptsTable(origin);
  if (origin !== undefined) await db.run(attemptsTableSql(attempts), { origin });
  await db.run(
    `CREATE OR REPLACE TABLE ${SUMMARY_STEPS_TABLE} AS
     WITH pick AS (
       SELECT task, coalesce($origin::VARCHAR, CASE WHEN bool_or(origin = 'recorded') THEN 'recorded' ELSE 'recomputed' END) AS origin
       FROM steps GROUP BY task)
     SELECT s.* FROM steps s JOIN pick p ON p.task = s.task AND p.origin = s.origin`,
    { origin: origin ?? null },
  );

  const tasks = await db.rows<TaskSummaryRow>(`
    WITH a AS (
      SELECT task, any_value(final_outcome) AS final_outcome, any_value(final_status) AS final_status, count(*)::INTEGER AS attempts,
             any_value(max_attempts) AS max_attempts, any_value(first_pass_attempt) AS first_pass_attempt, max(reward) AS best_reward,
             count(*) FILTER (WHERE intervention IS NOT NULL)::INTEGER AS interventions,
             any_value(coalesce(intervention, 'none')) FILTER (WHERE attempt = first_pass_attempt) AS pass_intervention
      FROM ${attempts} GROUP BY task),
    s AS (
      SELECT task, count(*)::INTEGER AS steps,
             count(*) FILTER (WHERE triggered AND level = 'soft')::INTEGER AS soft,
             count(*) FILTER (WHERE triggered AND level = 'strong')::INTEGER AS strong,
             min(attempt) FILTER (WHERE triggered) AS first_trigger_attempt,
             min(weighted_pdi) AS min_weighted_pdi, avg(weighted_pdi) AS mean_weighted_pdi,
             avg(proxy_exec) AS mean_proxy_exec, avg(proxy_plan) AS mean_proxy_plan, avg(proxy_oss) AS mean_proxy_oss
      FROM ${SUMMARY_STEPS_TABLE} GROUP BY task)
    SELECT coalesce(a.task, s.task) AS task, a.final_outcome, a.final_status, coalesce(a.attempts, 0) AS attempts, a.max_attempts,
           a.first_pass_attempt, a.best_reward, coalesce(s.steps, 0) AS steps, coalesce(s.soft, 0) AS soft, coalesce(s.strong, 0) AS strong,
           s.first_trigger_attempt, s.min_weighted_pdi, s.mean_weighted_pdi, s.mean_proxy_exec, s.mean_proxy_plan, s.mean_proxy_oss,
           coalesce(a.interventions, 0) AS interventions, a.pass_intervention
    FROM a FULL JOIN s ON s.task = a.task
    ORDER BY 1`);

  const byOutcome = await db.rows<OutcomeProxyRow>(`
    WITH o AS (SELECT DISTINCT task, final_outcome FROM ${attempts})
    SELECT CASE WHEN grouping(final_outcome) = 1 THEN 'all' ELSE coalesce(final_outcome, 'unknown') END AS final_outcome,
           count(DISTINCT s.task)::INTEGER AS tasks, count(*)::INTEGER AS steps,
           avg(proxy_exec) AS mean_proxy_exec, avg(proxy_plan) AS mean_proxy_plan, avg(proxy_oss) AS mean_proxy_oss,
           avg(raw_pdi) AS mean_raw_pdi, avg(weighted_pdi) AS mean_weighted_pdi,
           (count(*) FILTER (WHERE triggered) / count(*))::DOUBLE AS trigger_rate
    FROM ${SUMMARY_STEPS_TABLE} s LEFT JOIN o USING (task)
    GROUP BY GROUPING SETS ((final_outcome), ())
    ORDER BY grouping(final_outcome), CASE final_outcome WHEN 'solved' THEN 0 WHEN 'unsolved' THEN 1 WHEN 'stopped' THEN 2 ELSE 3 END, final_outcome`);

  const counted = await db.rows<Omit<InterventionRow, 'pass_rate' | 'solved_later_rate'>>(`
    WITH levels(intervention, ord) AS (VALUES ('soft', 0), ('strong', 1), ('none', 2)),
    a AS (SELECT *, coalesce(intervention, 'none') AS received FROM ${attempts} WHERE feedback_from_attempt IS NOT NULL),
    c AS (
      SELECT received, count(*)::INTEGER AS attempts, count(*) FILTER (WHERE passed)::INTEGER AS passed,
             count(DISTINCT task)::INTEGER AS tasks, count(DISTINCT task) FILTER (WHERE first_pass_attempt >= attempt)::INTEGER AS tasks_solved_later
      FROM a GROUP BY received)
    SELECT l.intervention, coalesce(c.attempts, 0) AS attempts, coalesce(c.passed, 0) AS passed,
           coalesce(c.tasks, 0) AS tasks, coalesce(c.tasks_solved_later, 0) AS tasks_solved_later
    FROM levels l LEFT JOIN c ON c.received = l.intervention ORDER BY l.ord`);
  const interventions = counted.map((row) => ({
    ...row,
    pass_rate: rate(row.passed, row.attempts),
    solved_later_rate: rate(row.tasks_solved_later, row.tasks),
  }));

  const triggered = tasks.filter((t) => t.soft + t.strong > 0);
  const untriggered = tasks.filter((t) => t.soft + t.strong === 0);
  const sum = (rows: readonly TaskSummaryRow[], key: 'attempts' | 'steps' | 'soft' | 'strong') => rows.reduce((n, t) => n + t[key], 0);
  const overall: OverallSummary = {
    tasks: tasks.length,
    solved: tasks.filter((t) => t.final_outcome === 'solved').length,
    unsolved: tasks.filter((t) => t.final_outcome === 'unsolved').length,
    stopped: tasks.filter((t) => t.final_outcome === 'stopped').length,
    attempts: sum(tasks, 'attempts'),
    steps: sum(tasks, 'steps'),
    soft: sum(tasks, 'soft'),
    strong: sum(tasks, 'strong'),
    tasks_with_trigger: triggered.length,
    solved_with_trigger: triggered.filter((t) => t.final_outcome === 'solved').length,
    tasks_without_trigger: untriggered.length,
    solved_without_trigger: untriggered.filter((t) => t.final_outcome === 'solved').length,
  };
  return { origin: origin ?? 'preferred', overall, interventions, byOutcome, tasks };
}

function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** Renders a summary as plain-text tables (means to 4 decimals, rates as percentages). */
export function formatPdiSummary(summary: Omit<PdiSummary, 'issues' | 'counts'>): string {
  const fixed = (value: number | null) => (value === null ? null : Number(value.toFixed(4)));
  const percent = (value: number | null) => (value === null ? null : `${(value * 100).toFixed(1)}%`);
  const of = (part: number, whole: number) => `${part}/${whole}`;
  const o = summary.overall;
  const origin = summary.origin === 'preferred' ? 'recorded snapshots where present, else recomputed' : `${summary.origin} snapshots`;
  const sections = [
    `PDI summary (${origin})\n`,
    'Overall\n' +
      formatTextTable(
        ['tasks', 'solved', 'unsolved', 'stopped', 'attempts', 'steps', 'soft', 'strong', 'solved | trigger', 'solved | no trigger'],
        [[o.tasks, o.solved, o.unsolved, o.stopped, o.attempts, o.steps, o.soft, o.strong, of(o.solved_with_trigger, o.tasks_with_trigger), of(o.solved_without_trigger, o.tasks_without_trigger)]],
        { rightAlign: Array(10).fill(true) },
      ),
    'Attempts after a PDI snapshot, by the feedback their prompt carried\n' +
      formatTextTable(
        ['intervention', 'attempts', 'passed', 'pass rate', 'tasks', 'solved then or later', 'rate'],
        summary.interventions.map((r) => [r.intervention, r.attempts, r.passed, percent(r.pass_rate), r.tasks, r.tasks_solved_later, percent(r.solved_later_rate)]),
        { rightAlign: [false, true, true, true, true, true, true] },
      ),
    'Mean proxies by final outcome (over PDI steps)\n' +
      formatTextTable(
        ['final outcome', 'tasks', 'steps', 'exec', 'plan', 'oss', 'raw pdi', 'weighted pdi', 'triggered'],
        summary.byOutcome.map((r) => [
          r.final_outcome,
          r.tasks,
          r.steps,
          fixed(r.mean_proxy_exec),
          fixed(r.mean_proxy_plan),
          fixed(r.mean_proxy_oss),
          fixed(r.mean_raw_pdi),
          fixed(r.mean_weighted_pdi),
          percent(r.trigger_rate),
        ]),
        { rightAlign: [false, true, true, true, true, true, true, true, true] },
      ),
    'Per task\n' +
      formatTextTable(
        ['task', 'outcome', 'attempts', 'first pass', 'best reward', 'steps', 'soft', 'strong', 'first trigger', 'min wPDI', 'mean exec', 'mean plan', 'mean oss', 'pass after'],
        summary.tasks.map((t) => [
          t.task,
          t.final_outcome,
          t.attempts,
          t.first_pass_attempt,
          t.best_reward,
          t.steps,
          t.soft,
          t.strong,
          t.first_trigger_attempt,
          fixed(t.min_weighted_pdi),
          fixed(t.mean_proxy_exec),
          fixed(t.mean_proxy_plan),
          fixed(t.mean_proxy_oss),
          t.pass_intervention,
        ]),
      ),
  ];
  return sections.join('\n');
}

/** The `--json` document of a summary: the tables, load counts, records left out, and notes counted by code. */
export function pdiSummaryJson(summary: PdiSummary): object {
  const { issues, ...tables } = summary;
  return { ...tables, left_out: issues.filter((i) => i.severity === 'error'), notes: countNotes(issues) };
}
