import { access, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { isHfUri } from '../hub/hf-uri.js';
import { resolveHfPath } from '../hub/resolve-hf-path.js';
import { tempPathFor } from '../io/atomic-file.js';
import { compareTaskSteps, type ComparableStep, type PdiMismatch } from '../pdi/compare.js';
import { DEFAULT_PDI_SETTINGS, type PdiStepResult } from '../pdi/engine.js';
import type { PdiIssue } from '../pdi/issues.js';
import type { RecordedSnapshot } from '../pdi/step-inputs.js';
import { recomputeSparkTask, type PdiOverrides } from '../pdi/task.js';
import type { PdiMethod, PdiSnapshotValues } from '../schema/pdi-snapshot.js';
import { DuckDb, type SqlParam } from './duckdb.js';
import {
  APPLY_SETTINGS,
  buildStepsSql,
  computeSql,
  loadAttemptSettingsSql,
  loadAttemptsSql,
  loadTrajectoriesSql,
  INDEX_STANDARD,
  loadStandardSql,
  MAX_LINE_BYTES,
  PATCH_MACRO,
  PARQUET_MAX_ROW_GROUP,
  STANDARD_FEATURES,
  pairwiseMacros,
  SUSPECT_TASKS,
  textMacros,
  DUCKDB_LOWER,
  jsCasedCodePoints,
  lowerMismatchPattern,
  WALK_ATTEMPTS,
} from './pdi-sql.js';
import { readSparkTask } from './read-spark-task.js';
import { findSparkTaskFolders, type SparkTaskFolder } from './spark-task-folders.js';

/** Options of {@link batchPdi}. */
export interface BatchPdiOptions extends PdiOverrides {
  /** Raw SPARK folders (dataset roots or task folders) and standardized files from `trajkit import spark` (.jsonl, .jsonl.gz, .parquet). */
  inputs: readonly string[];
  /** Compare with the recorded snapshots. */
  compare?: boolean;
  /** Write one row per task and step here (`.parquet`, `.csv` or `.jsonl`), atomically. */
  out?: string;
  /** DuckDB worker threads (default: one for the raw trajectory scan, to bound its memory; one per core elsewhere). */
  threads?: number;
  /** DuckDB memory limit, e.g. `"1GB"` (default `"1GB"`); tables spill to a temp folder beyond it. */
  memoryLimit?: string;
  /** Also return each step's unrounded values (`BatchPdiRow.unrounded`). */
  unrounded?: boolean;
  /** Progress messages (the CLI sends them to stderr). */
  log?: (message: string) => void;
}

/** One recomputed step, rounded to 4 dp as SPARK stores snapshots. */
export interface BatchPdiRow extends PdiSnapshotValues {
  task: string;
  source: 'trajectory' | 'attempts';
  /** The attempt whose reflect produced the step. */
  attempt: number | null;
  step_numbering: 'standard' | 'legacy';
  method: PdiMethod;
  /** True: the method is not recorded by SPARK and `token_overlap` is assumed (not overridden). */
  method_inferred: boolean;
  warmup: number;
  threshold: number;
  /** With the `unrounded` option: the doubles before rounding, under the numbering used. */
  unrounded?: PdiStepResult;
}

/** What {@link batchPdi} found. */
export interface BatchPdiResult {
  tasks: number;
  steps: number;
  rows: BatchPdiRow[];
  issues: PdiIssue[];
  /** With `compare`: totals and every mismatch, each with a reason. */
  comparison?: { compared: number; matched: number; mismatches: PdiMismatch[] };
  /** The file written, with `out`. */
  out?: string;
}

/** File endings `--out` accepts and the DuckDB COPY format each one means. */
const OUT_FORMATS: Record<string, string> = { '.parquet': "(FORMAT parquet, COMPRESSION zstd)", '.csv': '(FORMAT csv, HEADER true)', '.jsonl': '(FORMAT json)' };

/**
 * Recomputes SPARK's PDI for every task under `inputs` in DuckDB, in process: all trajectories
 * are read in one parallel scan (only the columns PDI needs), tasks are grouped and steps
 * ordered in SQL, and proxies, z-scores, weights, triggers and levels are computed for all
 * tasks in one query. Results equal the TypeScript engine field for field (see docs/pdi.md).
 */
export async function batchPdi(options: BatchPdiOptions): Promise<BatchPdiResult> {
  const log = options.log ?? (() => {});
  const outFormat = options.out === undefined ? undefined : OUT_FORMATS[extname(options.out).toLowerCase()];
  if (options.out !== undefined && !outFormat) {
    throw new UsageError(`--out must end in ${Object.keys(OUT_FORMATS).join(', ')}: ${options.out}`);
  }
  if (options.warmup !== undefined && !(options.warmup > 0 && Number.isFinite(options.warmup))) {
    throw new UsageError(`--warmup must be a positive number, got ${options.warmup}`);
  }
  if (options.threshold !== undefined && !Number.isFinite(options.threshold)) {
    throw new UsageError(`--threshold must be a finite number, got ${options.threshold}`);
  }
  const method = options.method ?? DEFAULT_PDI_SETTINGS.method;

  const { folders: rawInputs, standard } = await splitInputs(options.inputs);
  const folders = rawInputs.length > 0 ? await findSparkTaskFolders(rawInputs) : [];
  const issues: PdiIssue[] = [];
  const readable = await Promise.all(folders.map((folder) => checkReadable(folder, issues)));
  log(`pdi: ${folders.length} task folders, ${standard.length} standardized files`);

  const spill = await mkdtemp(join(tmpdir(), 'trajkit-pdi-'));
  const db = await DuckDb.create({ threads: options.threads, memoryLimit: options.memoryLimit ?? '1GB', tempDirectory: spill });
  try {
    db.registerStringFunction('tk_js_lower', (s) => s.toLowerCase());
    await db.run(`CREATE TEMP TABLE pdi_task (
      task_id INTEGER, task VARCHAR, dir VARCHAR, source VARCHAR, trajectory_file VARCHAR, attempts_file VARCHAR,
      rec_warmup DOUBLE DEFAULT ${DEFAULT_PDI_SETTINGS.warmup}, rec_threshold DOUBLE DEFAULT ${DEFAULT_PDI_SETTINGS.threshold},
      enabled BOOLEAN DEFAULT true, warmup DOUBLE, threshold DOUBLE)`);
    // Task ids follow the file lists, so a scanned row finds its task by file_index, no join.
    const trajectoryTasks = readable.filter((f) => f.trajectory);
    const tasks = [...trajectoryTasks, ...readable.filter((f) => !f.trajectory)];
    const taskId = new Map(tasks.map((f, i) => [f, i]));
    await db.append(
      'pdi_task',
      tasks.map((f, i) => [i, f.task, f.dir, f.trajectory ? 'trajectory' : 'attempts', f.trajectory ?? null, f.attempts ?? null,
        DEFAULT_PDI_SETTINGS.warmup, DEFAULT_PDI_SETTINGS.threshold, true, null, null]),
    );
    const trajectories = trajectoryTasks.map((f) => f.trajectory!);
    const attemptTasks = tasks.filter((f) => f.attempts);
    const attempts = attemptTasks.map((f) => f.attempts!);
    // attempts.json is replayed only where there is no trajectory; elsewhere only its settings count
    const replayTasks = attemptTasks.filter((f) => !f.trajectory);

    const started = performance.now();
    const elapsed = () => `${((performance.now() - started) / 1000).toFixed(2)}s`;
    // text macros first: the scans below tokenize while they read
    for (const macro of textMacros(method, await measureLowerMismatch(db))) await db.run(macro);
    log(`pdi: reading ${trajectories.length} trajectories and ${attempts.length} attempts.json files`);
    // A JSON scan thread holds a batch of up to 2,048 parsed lines, and SPARK lines run to
    // megabytes: one scan thread keeps the raw scan near 300 MB and, measured, costs less CPU
    // than two (3.1 s vs 4.4 s on 516 MB); --threads overrides it.
    if (options.threads === undefined) await db.run('SET threads = 1');
    await db.run(
      loadTrajectoriesSql(trajectories.length > 0),
      trajectories.length > 0 ? { files: trajectories, task_ids: trajectoryTasks.map((f) => taskId.get(f)!) } : {},
    );
    await db.run(
      loadAttemptSettingsSql(attempts.length > 0),
      attempts.length > 0 ? { files: attempts, task_ids: attemptTasks.map((f) => taskId.get(f)!) } : {},
    );
    await db.run(
      loadAttemptsSql(replayTasks.length > 0),
      replayTasks.length > 0 ? { files: replayTasks.map((f) => f.attempts!), task_ids: replayTasks.map((f) => taskId.get(f)!) } : {},
    );
    if (options.threads === undefined) await db.run('RESET threads');
    if (standard.length > 0) {
      // Standardized records become the same event and attempts.json tables as raw folders.
      await db.run(PATCH_MACRO);
      const parquet = standard.filter((f) => f.toLowerCase().endsWith('.parquet'));
      const jsonl = standard.filter((f) => !f.toLowerCase().endsWith('.parquet'));
      // one pass (text work in the parallel scan) only where a row group holds few records
      const [{ n: largestRowGroup }] = parquet.length > 0 ? await db.rows<{ n: number }>(PARQUET_MAX_ROW_GROUP, { files: parquet }) : [{ n: 0 }];
      const onePass = jsonl.length === 0 && Number(largestRowGroup) <= ONE_PASS_ROW_GROUP;
      if (parquet.length > 0) await db.run(loadStandardSql(true, true, onePass), { files: parquet, file_offset: 0 });
      if (jsonl.length > 0) await db.run(loadStandardSql(false, parquet.length === 0, onePass), { files: jsonl, file_offset: parquet.length });
      if (!onePass) await db.run(STANDARD_FEATURES);
      const files = [...parquet, ...jsonl];
      for (const statement of INDEX_STANDARD) await db.run(statement, standardParams(statement, files, tasks.length));
      // A record DuckDB could not read (or without provenance.task) is a row without a task.
      const unread = await db.rows<{ file_no: number; n: number }>(
        'SELECT file_no, count(*)::INTEGER AS n FROM pdi_std WHERE task IS NULL GROUP BY file_no ORDER BY file_no',
      );
      for (const { file_no, n } of unread) {
        issues.push({ code: 'TK_PDI_INVALID_RECORD', file: files[file_no], message: `${n} record(s) could not be read (not valid JSON/Unicode for DuckDB, or no provenance.task); left out` });
      }
      await db.run('DROP TABLE pdi_std');
    }
    const [{ n: taskCount }] = await db.rows<{ n: number }>('SELECT count(*)::INTEGER AS n FROM pdi_task');
    log(`pdi: read in ${elapsed()}; building steps`);
    await db.run(APPLY_SETTINGS, { warmup: options.warmup ?? null, threshold: options.threshold ?? null });
        await db.run(WALK_ATTEMPTS);
    await db.run(buildStepsSql(method));

    // Problems are found in SQL; their file, line and field come from the TypeScript reader.
    const suspects = await db.rows<{ task_id: number }>(SUSPECT_TASKS);
    for (const { task_id } of suspects) {
      if (task_id < tasks.length) issues.push(...(await diagnose(tasks[task_id]!, method, options)));
      else issues.push(await standardIssue(db, task_id));
    }
    // The step table holds everything from here on; free the raw text.
    await db.run('DROP TABLE pdi_event; DROP TABLE pdi_attempts_doc; DROP TABLE pdi_attempts_settings; DROP TABLE pdi_att_walk');

    const [{ max_steps }] = await db.rows<{ max_steps: number }>(
      'SELECT coalesce(max(n), 0)::INTEGER AS max_steps FROM (SELECT count(*) AS n FROM pdi_pair WHERE has_step GROUP BY task_id)',
    );
    for (const macro of pairwiseMacros(max_steps)) await db.run(macro);
    log(`pdi: steps built in ${elapsed()}; computing (${method})`);
    await db.run(computeSql());
    log(`pdi: computed in ${elapsed()}`);

    const rows = await db.rows<ResultRow>(RESULT_ROWS);
    const result: BatchPdiResult = { tasks: taskCount, steps: 0, rows: [], issues };
    for (const row of rows) {
      if (!row.has_step) continue;
      const out = toRow(row, method, options);
      if (options.unrounded) out.unrounded = stepResult(row, row.legacy ? 'leg' : 'std');
      result.rows.push(out);
    }
    result.steps = result.rows.length;

    if (options.compare) result.comparison = compareRows(rows, method, options);
    if (options.out !== undefined && outFormat) {
      await writeRows(db, options.out, outFormat, method, options);
      result.out = options.out;
    }
    return result;
  } finally {
    db.close();
    await rm(spill, { recursive: true, force: true });
  }
}

/** The columns fetched per step (and per recorded snapshot without a step). */
interface ResultRow {
  task_id: number;
  task: string;
  source: 'trajectory' | 'attempts';
  attempt: number | null;
  has_step: boolean;
  legacy: boolean;
  rec_warmup: number;
  rec_threshold: number;
  warmup: number;
  threshold: number;
  proxy_exec: number;
  proxy_plan: number;
  proxy_oss: number;
  raw_pdi: number;
  std_step: number;
  std_weight: number;
  std_weighted: number;
  std_triggered: boolean;
  std_level: 'soft' | 'strong' | null;
  leg_step: number;
  leg_weight: number;
  leg_weighted: number;
  leg_triggered: boolean;
  leg_level: 'soft' | 'strong' | null;
  step: number;
  r_proxy_exec: number;
  r_proxy_plan: number;
  r_proxy_oss: number;
  r_raw_pdi: number;
  r_weight: number;
  r_weighted_pdi: number;
  triggered: boolean;
  level: 'soft' | 'strong' | null;
  rec_step: number | null;
  rec_proxy_exec: number | null;
  rec_proxy_plan: number | null;
  rec_proxy_oss: number | null;
  rec_raw_pdi: number | null;
  rec_weight: number | null;
  rec_weighted_pdi: number | null;
  rec_triggered: boolean | null;
  rec_level: 'soft' | 'strong' | null;
}

const RESULT_ROWS = `
SELECT r.task_id, t.task, t.source, r.attempt, r.has_step, r.legacy, t.rec_warmup, t.rec_threshold, t.warmup, t.threshold,
       r.proxy_exec, r.proxy_plan, r.proxy_oss, r.raw_pdi,
       r.std_step::INTEGER AS std_step, r.std_weight, r.std_weighted, r.std_triggered, r.std_level,
       r.leg_step::INTEGER AS leg_step, r.leg_weight, r.leg_weighted, r.leg_triggered, r.leg_level,
       r.step::INTEGER AS step, r.r_proxy_exec, r.r_proxy_plan, r.r_proxy_oss, r.r_raw_pdi, r.r_weight, r.r_weighted_pdi,
       r.triggered, r.level,
       r.rec_step, r.rec_proxy_exec, r.rec_proxy_plan, r.rec_proxy_oss, r.rec_raw_pdi, r.rec_weight, r.rec_weighted_pdi,
       r.rec_triggered, r.rec_level
FROM pdi_result r JOIN pdi_task t USING (task_id)
ORDER BY t.task, r.task_id, r.pair_order`;

function toRow(row: ResultRow, method: PdiMethod, overrides: PdiOverrides): BatchPdiRow {
  return {
    task: row.task,
    source: row.source,
    attempt: row.attempt,
    step: row.step,
    proxy_exec: row.r_proxy_exec,
    proxy_plan: row.r_proxy_plan,
    proxy_oss: row.r_proxy_oss,
    raw_pdi: row.r_raw_pdi,
    weight: row.r_weight,
    weighted_pdi: row.r_weighted_pdi,
    triggered: row.triggered,
    level: row.level,
    step_numbering: row.legacy ? 'legacy' : 'standard',
    method,
    method_inferred: overrides.method === undefined,
    warmup: row.warmup,
    threshold: row.threshold,
  };
}

/** The unrounded recomputation of a row under one numbering, as the TS engine returns it. */
function stepResult(row: ResultRow, numbering: 'std' | 'leg'): PdiStepResult {
  return {
    step: row[`${numbering}_step`],
    proxy_exec: row.proxy_exec,
    proxy_plan: row.proxy_plan,
    proxy_oss: row.proxy_oss,
    raw_pdi: row.raw_pdi,
    weight: row[`${numbering}_weight`],
    weighted_pdi: row[`${numbering}_weighted`],
    triggered: row[`${numbering}_triggered`],
    level: row[`${numbering}_level`],
  };
}

function recordedOf(row: ResultRow): RecordedSnapshot | undefined {
  if (row.rec_step === null) return undefined;
  return {
    step: row.rec_step,
    proxy_exec: row.rec_proxy_exec!,
    proxy_plan: row.rec_proxy_plan!,
    proxy_oss: row.rec_proxy_oss!,
    raw_pdi: row.rec_raw_pdi!,
    weight: row.rec_weight!,
    weighted_pdi: row.rec_weighted_pdi!,
    triggered: row.rec_triggered!,
    level: row.rec_level,
    attempt: row.attempt ?? undefined,
  };
}

/** Groups the fetched rows by task and compares each task's steps with its record. */
function compareRows(rows: readonly ResultRow[], method: PdiMethod, overrides: PdiOverrides) {
  const out = { compared: 0, matched: 0, mismatches: [] as PdiMismatch[] };
  let start = 0;
  while (start < rows.length) {
    let end = start;
    while (end < rows.length && rows[end]!.task_id === rows[start]!.task_id) end++;
    const taskRows = rows.slice(start, end);
    const first = taskRows[0]!;
    const steps: ComparableStep[] = taskRows.map((row) => ({
      recorded: recordedOf(row),
      standard: row.has_step ? stepResult(row, 'std') : undefined,
      legacy: row.has_step ? stepResult(row, 'leg') : undefined,
    }));
    const settingsDiffer =
      method !== DEFAULT_PDI_SETTINGS.method ||
      (overrides.warmup !== undefined && overrides.warmup !== first.rec_warmup) ||
      (overrides.threshold !== undefined && overrides.threshold !== first.rec_threshold);
    const task = compareTaskSteps(first.task, steps, { settingsDiffer, threshold: first.threshold });
    out.compared += task.compared;
    out.matched += task.matched;
    out.mismatches.push(...task.mismatches);
    start = end;
  }
  return out;
}

/** Writes one row per task and step with DuckDB's COPY, to a temp file renamed into place. */
async function writeRows(db: DuckDb, out: string, format: string, method: PdiMethod, overrides: PdiOverrides): Promise<void> {
  const temp = tempPathFor(out);
  try {
    // COPY's target cannot be a parameter; the temp path is ours, quoted as a SQL string.
    await db.run(
      `COPY (
        SELECT t.task, t.source, r.attempt, r.step::INTEGER AS step, r.r_proxy_exec AS proxy_exec, r.r_proxy_plan AS proxy_plan,
               r.r_proxy_oss AS proxy_oss, r.r_raw_pdi AS raw_pdi, r.r_weight AS weight, r.r_weighted_pdi AS weighted_pdi,
               r.triggered, r.level, CASE WHEN r.legacy THEN 'legacy' ELSE 'standard' END AS step_numbering,
               $method AS method, $method_inferred AS method_inferred, t.warmup, t.threshold
        FROM pdi_result r JOIN pdi_task t USING (task_id)
        WHERE r.has_step
        ORDER BY t.task, r.task_id, r.pair_order
      ) TO '${temp.replaceAll("'", "''")}' ${format}`,
      { method, method_inferred: overrides.method === undefined },
    );
    await rename(temp, out);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * The issues of one task, from the TypeScript reader and engine. When DuckDB rejected rows the
 * TypeScript reader accepts (a line over DuckDB's size limit), that is reported too.
 */
async function diagnose(folder: SparkTaskFolder, method: PdiMethod, overrides: PdiOverrides): Promise<PdiIssue[]> {
  const pdi = recomputeSparkTask(await readSparkTask(folder), { method, warmup: overrides.warmup, threshold: overrides.threshold });
  if (pdi.issues.length > 0) return pdi.issues;
  return [{
    code: 'TK_PDI_MALFORMED_LINE',
    task: folder.task,
    file: folder.trajectory ?? folder.attempts,
    message: `DuckDB's JSON reader rejected a record the TypeScript reader accepts (over ${MAX_LINE_BYTES} bytes?); the batch result for this task is incomplete`,
  }];
}

/**
 * The code points DuckDB's `lower()` maps differently from `toLowerCase()` on this install, as
 * an RE2 class (plus Σ). Only code points JS lowercases are candidates; the parity test checks
 * every other code point once per DuckDB and Node version.
 */
export async function measureLowerMismatch(db: DuckDb): Promise<string> {
  const rows = await db.rows<{ cp: number; lowered: string }>(DUCKDB_LOWER, { cps: jsCasedCodePoints() });
  // '<' in front: the node binding drops a leading U+FEFF from strings it returns
  const differing = rows.filter(({ cp, lowered }) => lowered !== `<${String.fromCodePoint(cp).toLowerCase()}`).map(({ cp }) => cp);
  return lowerMismatchPattern(differing);
}

/** Standardized record files (by name) and raw SPARK folders among the inputs. */
async function splitInputs(inputs: readonly string[]): Promise<{ folders: string[]; standard: string[] }> {
  const folders: string[] = [];
  const standard: string[] = [];
  const local: string[] = [];
  // hf:// inputs are downloaded through the Hub cache first, as every reading command does.
  for (const input of inputs) local.push(...(isHfUri(input) ? await resolveHfPath(input) : [input]));
  for (const input of local) {
    const info = await stat(input).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(input, error.code === 'ENOENT' ? 'no such file or folder' : error.message, error);
    });
    if (info.isDirectory()) folders.push(input);
    else if (STANDARD_SUFFIXES.some((suffix) => input.toLowerCase().endsWith(suffix))) standard.push(input);
    else throw new InputError(input, `not a SPARK folder or a standardized file (${STANDARD_SUFFIXES.join(', ')})`);
  }
  return { folders, standard };
}

/** Largest Parquet row group (records) read in one pass; larger ones are read in two (memory). */
const ONE_PASS_ROW_GROUP = 2048;

/** Standardized inputs `batchPdi` reads: the output of `trajkit import spark`. */
const STANDARD_SUFFIXES = ['.parquet', '.jsonl', '.jsonl.gz', '.ndjson', '.ndjson.gz'];

// Each statement gets exactly the parameters it names.
function standardParams(statement: string, files: string[], taskOffset: number): Record<string, SqlParam> {
  const params: Record<string, SqlParam> = {};
  if (statement.includes('$files')) params.files = files;
  if (statement.includes('$task_offset')) params.task_offset = taskOffset;
  return params;
}

/** A standardized task whose records do not give a consistent step sequence. */
async function standardIssue(db: DuckDb, taskId: number): Promise<PdiIssue> {
  const [row] = await db.rows<{ task: string; dir: string }>('SELECT task, dir FROM pdi_task WHERE task_id = $id', { id: taskId });
  return {
    code: 'TK_PDI_INVALID_RECORD',
    task: row?.task,
    file: row?.dir,
    message: 'the records of this task do not give a consistent step sequence (a missing field, a reflect without its execution result, or memos that do not line up); check it with `trajkit validate` and the raw folder',
  };
}

async function checkReadable(folder: SparkTaskFolder, issues: PdiIssue[]): Promise<SparkTaskFolder> {
  const ok = async (file: string | undefined) => {
    if (file === undefined) return undefined;
    try {
      await access(file, constants.R_OK);
      return file;
    } catch (error) {
      issues.push({ code: 'TK_PDI_UNREADABLE', task: folder.task, file, message: `cannot read: ${(error as Error).message}` });
      return undefined;
    }
  };
  return { ...folder, trajectory: await ok(folder.trajectory), attempts: await ok(folder.attempts) };
}
