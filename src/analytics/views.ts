import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { snapshotRevisionOf } from '../hub/cache-layout.js';
import { isHfUri } from '../hub/hf-uri.js';
import { resolveHfPath } from '../hub/resolve-hf-path.js';
import { importSpark, LOSSY_SPARK_WARNINGS } from '../import/import-spark.js';
import { openAtomicFile, type AtomicFile } from '../io/atomic-file.js';
import { expandInputs } from '../io/inputs.js';
import { readRecords } from '../io/read-records.js';
import { EXECUTION_FAILED_PREFIX } from '../pdi/step-inputs.js';
import type { PdiOverrides } from '../pdi/task.js';
import { batchPdi } from './batch-pdi.js';
import { DuckDb } from './duckdb.js';
import { findSparkTaskFolders } from './spark-task-folders.js';

/** Options of {@link openAnalyticsViews}. */
export interface AnalyticsViewsOptions {
  /**
   * Standardized trajectory files or folders (`.jsonl`, `.jsonl.gz`, `.json`, `.parquet`), raw
   * SPARK folders (a dataset root or task folders, imported on the fly), or `hf://datasets/…`
   * paths to either. A folder holding a SPARK task folder is read as raw SPARK.
   */
  inputs: readonly string[];
  /**
   * Also recompute PDI with the batch engine (`batchPdi`) from the raw SPARK folders and the
   * `.jsonl`/`.jsonl.gz`/`.parquet` files among the inputs, and add those rows to `steps` with
   * `origin = 'recomputed'`; an object sets what-if overrides.
   */
  recompute?: boolean | PdiOverrides;
  /** DuckDB worker threads. */
  threads?: number;
  /** DuckDB memory limit (default `"1GB"`); tables spill to a temp folder beyond it. */
  memoryLimit?: string;
  /** Progress messages (the CLI sends them to stderr). */
  log?: (message: string) => void;
}

/**
 * Something found while loading: a record left out (`severity: 'error'`) or a note about the data
 * (`'warning'`, e.g. mojibake kept as read). Loading goes on either way.
 */
export interface ViewIssue {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line?: number;
  task?: string;
}

/** What was loaded into the session. */
export interface ViewCounts {
  /** Standardized record files read. */
  files: number;
  /** Raw SPARK task folders imported on the fly. */
  sparkTasks: number;
  trajectories: number;
  attempts: number;
  tasks: number;
  steps: number;
}

/** An open DuckDB session holding the `trajectories`, `attempts` and `steps` views. Close it. */
export interface AnalyticsSession {
  db: DuckDb;
  issues: ViewIssue[];
  counts: ViewCounts;
  close(): Promise<void>;
}

/** Columns of `trajectories` (one row per standardized trajectory), in order. */
export const TRAJECTORY_COLUMNS = [
  ['row_id', 'INTEGER'],
  ['id', 'VARCHAR'],
  ['file', 'VARCHAR'],
  ['line', 'INTEGER'],
  ['schema_version', 'VARCHAR'],
  ['source', 'VARCHAR'],
  ['task', 'VARCHAR'],
  ['attempt', 'INTEGER'],
  ['model', 'VARCHAR'],
  ['agent', 'VARCHAR'],
  ['status', 'VARCHAR'],
  ['exit_status', 'VARCHAR'],
  ['success', 'BOOLEAN'],
  ['reward', 'DOUBLE'],
  ['tests_passed', 'INTEGER'],
  ['tests_total', 'INTEGER'],
  ['error', 'VARCHAR'],
  ['max_attempts', 'INTEGER'],
  ['n_content', 'INTEGER'],
  ['n_actions', 'INTEGER'],
  ['n_observations', 'INTEGER'],
  ['n_llm_calls', 'INTEGER'],
  ['llm_input_tokens', 'BIGINT'],
  ['llm_output_tokens', 'BIGINT'],
  ['feedback_in_prompt', 'VARCHAR'],
  ['content', 'JSON'],
  ['outcome', 'JSON'],
  ['provenance', 'JSON'],
  ['task_info', 'JSON'],
  ['artifacts', 'JSON'],
  ['llm_calls', 'JSON'],
  ['pdi', 'JSON'],
  ['details', 'JSON'],
] as const;

/** Loader-only columns after the public ones (how PDI maps onto attempts; not in the view). */
const INTERNAL_COLUMNS = [
  ['pdi_kind', 'VARCHAR'],
  ['pdi_enabled', 'BOOLEAN'],
  ['pdi_observe_only', 'BOOLEAN'],
] as const;

type Column = (typeof TRAJECTORY_COLUMNS)[number][0] | (typeof INTERNAL_COLUMNS)[number][0];
type Cell = string | number | boolean | null;

/** Columns of the raw step rows: recorded snapshots (from records or `pdi.history`) and recomputed ones. */
const STEP_COLUMNS = [
  ['task', 'VARCHAR'],
  ['attempt', 'INTEGER'],
  ['seq', 'INTEGER'],
  ['origin', 'VARCHAR'],
  ['kind', 'VARCHAR'],
  ['source_row', 'INTEGER'],
  ['record_id', 'VARCHAR'],
  ['file', 'VARCHAR'],
  ['line', 'INTEGER'],
  ['step', 'INTEGER'],
  ['proxy_exec', 'DOUBLE'],
  ['proxy_plan', 'DOUBLE'],
  ['proxy_oss', 'DOUBLE'],
  ['raw_pdi', 'DOUBLE'],
  ['weight', 'DOUBLE'],
  ['weighted_pdi', 'DOUBLE'],
  ['triggered', 'BOOLEAN'],
  ['level', 'VARCHAR'],
  ['method', 'VARCHAR'],
  ['method_inferred', 'BOOLEAN'],
  ['warmup', 'DOUBLE'],
  ['threshold', 'DOUBLE'],
  ['step_numbering', 'VARCHAR'],
] as const;

type StepColumn = (typeof STEP_COLUMNS)[number][0];

/** PDI rows buffered before an append to DuckDB. */
const BATCH_ROWS = 256;

/** Standardized files `batchPdi` recomputes from (it takes files, not folders of them). */
const BATCH_PDI_SUFFIXES = ['.parquet', '.jsonl', '.jsonl.gz', '.ndjson', '.ndjson.gz'];

/**
 * Loads `inputs` into one in-process DuckDB session and defines three views:
 * - `trajectories`: one row per standardized trajectory (typed outcome and provenance columns,
 *   plus `content`, `details`, … as JSON);
 * - `attempts`: one row per (task, attempt), with the attempt's PDI snapshot, the intervention
 *   its prompt carried (spec §7) and the task's final outcome;
 * - `steps`: PDI rows, `origin` `recorded` (from the records) and, with `recompute`, `recomputed`.
 *
 * Records stream through the team's readers one at a time into a Parquet file in a temp folder
 * (removed by `close()`), which `trajectories` reads; the derived views are small DuckDB tables.
 * Memory does not grow with the input. A record that cannot be read is left out and reported
 * in `issues`; so are duplicate ids (the first one is kept). Throws only when an input itself
 * is unusable.
 */
export async function openAnalyticsViews(options: AnalyticsViewsOptions): Promise<AnalyticsSession> {
  const log = options.log ?? (() => {});
  if (options.inputs.length === 0) throw new UsageError('no input paths given');
  const { sparkRoots, recordPaths } = await classifyInputs(options.inputs);

  const spill = await mkdtemp(join(tmpdir(), 'trajkit-views-'));
  const db = await DuckDb.create({ threads: options.threads, memoryLimit: options.memoryLimit ?? '1GB', tempDirectory: spill });
  const close = async () => {
    db.close();
    await rm(spill, { recursive: true, force: true });
  };
  try {
    const issues: ViewIssue[] = [];
    const counts: ViewCounts = { files: 0, sparkTasks: 0, trajectories: 0, attempts: 0, tasks: 0, steps: 0 };
    await db.run(`CREATE TABLE tk_step (${STEP_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`);
    const loader = new Loader(db, openAtomicFile(join(spill, 'trajectories.ndjson')));

    for (const root of sparkRoots) {
      log(`views: importing SPARK folders under ${root.display}`);
      for await (const item of importSpark(root.path, { revision: root.revision })) {
        if (item.kind === 'record') {
          const where = { file: join(root.display, item.record.provenance.task ?? '', item.record.provenance.source_file ?? ''), line: item.record.provenance.line };
          await loader.add(item.record, where, issues);
        } else if (item.kind === 'warning') {
          const w = item.warning;
          issues.push({
            code: w.code,
            severity: LOSSY_SPARK_WARNINGS.has(w.code) ? 'error' : 'warning',
            message: w.message,
            file: w.file ? join(root.display, w.task, w.file) : undefined,
            line: w.line,
            task: w.task,
          });
        } else {
          counts.sparkTasks++;
        }
      }
    }
    const recordFiles: string[] = [];
    if (recordPaths.length > 0) {
      for await (const input of expandInputs([...recordPaths])) {
        counts.files++;
        recordFiles.push(input.path);
        log(`views: reading ${input.path}`);
        for await (const item of readRecords(input.path, { maxStringLength: Infinity })) {
          if (item.error) {
            issues.push({ code: item.error.code, severity: 'error', message: `record left out: ${item.error.message}`, file: item.file, line: item.line });
            continue;
          }
          await loader.add(item.record, { file: item.file, line: item.line, index: item.index }, issues);
        }
      }
    }
    const parquet = join(spill, 'trajectories.parquet');
    log('views: writing the trajectories to Parquet');
    await loader.finish(parquet);

    if (options.recompute) {
      const overrides = typeof options.recompute === 'object' ? options.recompute : {};
      log('views: recomputing PDI (batch)');
      const recomputable = recordFiles.filter((file) => BATCH_PDI_SUFFIXES.some((suffix) => file.toLowerCase().endsWith(suffix)));
      for (const file of recordFiles.filter((f) => !recomputable.includes(f))) {
        issues.push({ code: 'not_recomputed', severity: 'warning', file, message: `PDI not recomputed: the batch engine reads ${BATCH_PDI_SUFFIXES.join(', ')} files` });
      }
      const inputs = [...sparkRoots.map((r) => r.path), ...recomputable];
      if (inputs.length === 0) throw new UsageError('recomputing PDI needs raw SPARK folders or .jsonl/.jsonl.gz/.parquet files among the inputs');
      const pdi = await batchPdi({ inputs, ...overrides, threads: options.threads, memoryLimit: options.memoryLimit, log });
      for (const issue of pdi.issues) {
        issues.push({ code: issue.code, severity: 'warning', message: issue.message, file: issue.file, line: issue.line, task: issue.task });
      }
      const seq = new Map<string, number>();
      await db.append(
        'tk_step',
        pdi.rows.map((row) => {
          const n = (seq.get(row.task) ?? 0) + 1;
          seq.set(row.task, n);
          return stepCells({
            task: row.task,
            attempt: row.attempt,
            seq: n,
            origin: 'recomputed',
            kind: row.source,
            step: row.step,
            proxy_exec: row.proxy_exec,
            proxy_plan: row.proxy_plan,
            proxy_oss: row.proxy_oss,
            raw_pdi: row.raw_pdi,
            weight: row.weight,
            weighted_pdi: row.weighted_pdi,
            triggered: row.triggered,
            level: row.level,
            method: row.method,
            method_inferred: row.method_inferred,
            warmup: row.warmup,
            threshold: row.threshold,
            step_numbering: row.step_numbering,
          });
        }),
      );
    }

    log('views: building attempts and steps');
    await dropDuplicates(db, issues);
    await db.run(trajectoriesViewSql(parquet));
    await db.run(STEPS_TABLE);
    for (const row of await db.rows<{ task: string; snapshots: number; reflects: number }>(UNMAPPED_HISTORY)) {
      issues.push({
        code: 'pdi_history_unmapped',
        severity: 'warning',
        task: row.task,
        message: `pdi.history has ${row.snapshots} snapshot(s) but the replay finds ${row.reflects} reflected attempt(s); their attempts are left NULL`,
      });
    }
    await db.run(attemptsTableSql('attempts'), { origin: null });
    for (const row of await db.rows<{ task: string; attempt: number; n: number }>(DUPLICATE_ATTEMPTS)) {
      issues.push({
        code: 'duplicate_attempt',
        severity: 'warning',
        task: row.task,
        message: `attempt ${row.attempt} appears in ${row.n} trajectories with different ids; attempts keeps the first one read`,
      });
    }

    const [totals] = await db.rows<{ trajectories: number; attempts: number; tasks: number; steps: number }>(
      `SELECT (SELECT count(*) FROM trajectories)::INTEGER AS trajectories, (SELECT count(*) FROM attempts)::INTEGER AS attempts,
              (SELECT count(DISTINCT task) FROM attempts)::INTEGER AS tasks, (SELECT count(*) FROM steps)::INTEGER AS steps`,
    );
    Object.assign(counts, totals);
    log(`views: ${counts.trajectories} trajectories, ${counts.attempts} attempts of ${counts.tasks} tasks, ${counts.steps} PDI steps`);
    return { db, issues, counts, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One line per issue: `file:line: message` (task name when there is no file). */
export function formatViewIssue(issue: ViewIssue): string {
  const where = [issue.file ?? issue.task, issue.line].filter((part) => part !== undefined).join(':');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/**
 * Writes what loading found to `write` (the CLI passes stderr): every record left out, one line
 * each (the first `limit`), then notes counted by code (unless `notes: false`). Returns true when records were left out.
 */
export function reportViewIssues(
  issues: readonly ViewIssue[],
  write: (line: string) => void,
  { limit = 20, notes: showNotes = true }: { limit?: number; notes?: boolean } = {},
): boolean {
  const errors = issues.filter((i) => i.severity === 'error');
  for (const issue of errors.slice(0, limit)) write(`left out: ${formatViewIssue(issue)}`);
  if (errors.length > limit) write(`… and ${errors.length - limit} more record(s) left out`);
  const notes = Object.entries(countNotes(issues));
  if (showNotes && notes.length > 0) write(`notes: ${notes.map(([code, n]) => `${code} ×${n}`).join(', ')}`);
  return errors.length > 0;
}

/** Notes about the data (`severity: 'warning'`) counted by code, in order of first appearance. */
export function countNotes(issues: readonly ViewIssue[]): Record<string, number> {
  const notes: Record<string, number> = {};
  for (const issue of issues) if (issue.severity === 'warning') notes[issue.code] = (notes[issue.code] ?? 0) + 1;
  return notes;
}

/** Runs `fn` on a fresh session and always closes it. */
export async function withAnalyticsViews<T>(options: AnalyticsViewsOptions, fn: (session: AnalyticsSession) => Promise<T>): Promise<T> {
  const session = await openAnalyticsViews(options);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

interface SparkRoot {
  path: string;
  /** As the user named it (the hf:// URI for Hub inputs). */
  display: string;
  revision?: string;
}

/** Splits inputs into raw SPARK folders and standardized record paths (hf:// resolved first). */
async function classifyInputs(inputs: readonly string[]): Promise<{ sparkRoots: SparkRoot[]; recordPaths: string[] }> {
  const sparkRoots: SparkRoot[] = [];
  const recordPaths: string[] = [];
  for (const input of inputs) {
    const local = isHfUri(input) ? await resolveHfPath(input) : [input];
    const revision = isHfUri(input) ? snapshotRevisionOf(local[0] ?? '') : undefined;
    for (const path of local) {
      const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
        throw new InputError(path, error.code === 'ENOENT' ? 'no such file or folder' : error.message, error);
      });
      if (info.isDirectory() && (await holdsSparkTasks(path))) {
        sparkRoots.push({ path, display: isHfUri(input) && local.length === 1 ? input : path, revision });
      } else {
        recordPaths.push(path);
      }
    }
  }
  return { sparkRoots, recordPaths };
}

async function holdsSparkTasks(dir: string): Promise<boolean> {
  try {
    return (await findSparkTaskFolders([dir])).length > 0;
  } catch (error) {
    if (error instanceof InputError) return false;
    throw error;
  }
}

/**
 * Writes one JSON line per trajectory (typed columns and the JSON parts) to a temp file as it
 * goes, then has DuckDB turn the file into Parquet: `trajectories` reads that Parquet file
 * (columnar, so typed-column queries never touch `content`), and only the small typed columns
 * are copied into a DuckDB table for the derived views. Memory holds one record and a small
 * batch of PDI rows, never the input.
 */
class Loader {
  private steps: Cell[][] = [];
  private nextRowId = 0;
  private lineBytes = 0;
  private maxLineBytes = 0;

  constructor(
    private readonly db: DuckDb,
    private readonly out: AtomicFile,
  ) {}

  async add(record: unknown, where: { file: string; line?: number; index?: number }, issues: ViewIssue[]): Promise<void> {
    const place = where.line !== undefined ? { file: where.file, line: where.line } : { file: where.file };
    if (!isObject(record)) {
      issues.push({ code: 'not_a_trajectory', severity: 'error', ...place, message: `record left out: expected a JSON object, found ${describe(record)}` });
      return;
    }
    if (typeof record.id !== 'string') {
      issues.push({ code: 'not_a_trajectory', severity: 'error', ...place, message: `record left out: id is ${record.id === undefined ? 'missing' : `not a string (${describe(record.id)})`}` });
      return;
    }
    const row = trajectoryRow(record, this.nextRowId++, where);
    const object: Record<string, unknown> = {};
    for (const [name] of [...TRAJECTORY_COLUMNS, ...INTERNAL_COLUMNS]) object[name] = row[name] ?? null;
    let line = JSON.stringify(object);
    // JSON.stringify writes a lone UTF-16 surrogate as a \udXXX escape, which DuckDB's JSON
    // reader rejects; such strings get U+FFFD in the views (and a note). The test is cheap and
    // may match a literal backslash too, which only costs the slow path.
    if (/\\ud[89a-f]/i.test(line)) {
      const fixed = JSON.stringify(object, (_key, value: unknown) => (typeof value === 'string' ? value.replace(LONE_SURROGATE, '\ufffd') : value));
      if (fixed !== line) {
        issues.push({ code: 'lone_surrogate', severity: 'warning', ...place, message: 'a string holds a lone UTF-16 surrogate; the views show it as U+FFFD' });
      }
      line = fixed;
    }
    line += '\n';
    const bytes = Buffer.byteLength(line);
    this.lineBytes += bytes;
    this.maxLineBytes = Math.max(this.maxLineBytes, bytes);
    await this.out.write(line);
    this.steps.push(...recordedSteps(record, row, where));
    if (this.steps.length >= BATCH_ROWS) await this.flushSteps();
  }

  private async flushSteps(): Promise<void> {
    if (this.steps.length > 0) await this.db.append('tk_step', this.steps);
    this.steps = [];
  }

  /** Writes the Parquet file, loads the typed columns, and removes the line file. */
  async finish(parquet: string): Promise<void> {
    await this.flushSteps();
    await this.out.commit();
    const small = [...TRAJECTORY_COLUMNS, ...INTERNAL_COLUMNS].filter(([, type]) => type !== 'JSON');
    if (this.nextRowId === 0) {
      await this.db.run(`CREATE TABLE tk_trajectory (${small.map(([n, t]) => `${n} ${t}`).join(', ')})`);
      await this.db.run(`COPY (SELECT ${[...TRAJECTORY_COLUMNS, ...INTERNAL_COLUMNS].map(([n, t]) => `NULL::${t} AS ${n}`).join(', ')} WHERE false) TO ${sqlPath(parquet)} (FORMAT parquet)`);
    } else {
      // Row groups of about 32 MB: a reader then holds a few groups of even megabyte-sized rows.
      const rowsPerGroup = Math.max(64, Math.min(122_880, Math.floor((32 * 1024 * 1024) / Math.max(1, this.lineBytes / this.nextRowId))));
      const columns = `{${[...TRAJECTORY_COLUMNS, ...INTERNAL_COLUMNS].map(([n, t]) => `${n}: '${t}'`).join(', ')}}`;
      await this.db.run(
        `COPY (SELECT * FROM read_json(${sqlPath(this.out.path)}, format = 'newline_delimited', columns = ${columns},
                 maximum_object_size = ${Math.max(16 * 1024 * 1024, this.maxLineBytes + 1024)}))
         TO ${sqlPath(parquet)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${rowsPerGroup})`,
      );
      await this.db.run(`CREATE TABLE tk_trajectory AS SELECT ${small.map(([n]) => n).join(', ')} FROM read_parquet(${sqlPath(parquet)})`);
    }
    await rm(this.out.path, { force: true });
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A path of ours as a SQL string literal (COPY targets and table functions in views cannot take parameters). */
function sqlPath(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const int = (value: unknown): number | null => (Number.isInteger(value) ? (value as number) : null);
const bool = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const obj = (value: unknown): Json => (isObject(value) ? value : {});

/** The PDI feedback block headings SPARK puts into the next attempt's prompt (spec §7). */
const STRONG_FEEDBACK = /^### 🚨 Critical Exploration Feedback/m;
const SOFT_FEEDBACK = /^### 🔄 Exploration Feedback/m;

/** One `trajectories` row from a record of any ADP era; fields an era lacks stay NULL. */
function trajectoryRow(record: Json, rowId: number, where: { file: string; line?: number }): Partial<Record<Column, unknown>> {
  const provenance = obj(record.provenance);
  const outcome = obj(record.outcome);
  const task = obj(record.task);
  const agent = obj(provenance.agent);
  const details = obj(record.details);
  const content = Array.isArray(record.content) ? record.content : undefined;
  const llmCalls = Array.isArray(record.llm_calls) ? record.llm_calls : undefined;
  const artifacts = Array.isArray(record.artifacts) ? record.artifacts.filter(isObject) : [];
  const artifactText = (name: string) => str(artifacts.find((a) => a.name === name)?.content);

  const classes = (content ?? []).map((item) => str(obj(item).class_) ?? '');
  const tokens = (key: string) => (llmCalls ? llmCalls.reduce<number>((sum, call) => sum + (num(obj(call)[key]) ?? 0), 0) : null);
  const injection = artifactText('retry_injection');
  const sparkPdi = obj(obj(details.spark_attempts_json).pdi);

  return {
    row_id: rowId,
    id: record.id as string,
    file: where.file,
    line: where.line ?? null,
    schema_version: str(record.schema_version),
    source: str(provenance.source),
    task: str(provenance.task) ?? str(task.name) ?? str(task.id),
    attempt: int(provenance.attempt),
    model: str(agent.model),
    agent: str(agent.name),
    status: str(outcome.status),
    exit_status: str(outcome.exit_status),
    success: bool(outcome.success),
    reward: num(outcome.reward),
    tests_passed: int(outcome.tests_passed),
    tests_total: int(outcome.tests_total),
    error: str(outcome.error),
    max_attempts: int(task.max_attempts),
    n_content: content ? content.length : null,
    n_actions: content ? classes.filter((c) => c.endsWith('_action')).length : null,
    n_observations: content ? classes.filter((c) => c.endsWith('_observation')).length : null,
    n_llm_calls: llmCalls ? llmCalls.length : null,
    llm_input_tokens: tokens('input_tokens'),
    llm_output_tokens: tokens('output_tokens'),
    feedback_in_prompt: injection === null ? null : STRONG_FEEDBACK.test(injection) ? 'strong' : SOFT_FEEDBACK.test(injection) ? 'soft' : 'none',
    content: record.content ?? null,
    outcome: record.outcome ?? null,
    provenance: record.provenance ?? null,
    task_info: record.task ?? null,
    artifacts: record.artifacts ?? null,
    llm_calls: record.llm_calls ?? null,
    pdi: record.pdi ?? null,
    details: record.details ?? null,
    pdi_kind: pdiKind(outcome, artifactText('agent_commands')),
    pdi_enabled: bool(sparkPdi.enabled),
    pdi_observe_only: bool(sparkPdi.observe_only),
  };
}

/**
 * How SPARK's replay of `attempts.json` treats the attempt (spec §6.5): an execution failure
 * (no commands, "Execution failed: " summary) and any other INFRA_ERROR get no reflect; every
 * other attempt before the first PASS does. Used to give `pdi.history` snapshots their attempt.
 */
function pdiKind(outcome: Json, agentCommands: string | null): string {
  const summary = str(obj(outcome.extra).attempts_json_test_summary) ?? str(outcome.test_summary) ?? '';
  if ((agentCommands ?? '') === '' && summary.startsWith(EXECUTION_FAILED_PREFIX)) return 'execution_failure';
  if (outcome.status === 'INFRA_ERROR') return 'skip';
  return 'reflect';
}

/** Recorded snapshots of a record: its own `pdi`, and a task's `pdi.history` kept in details. */
function recordedSteps(record: Json, row: Partial<Record<Column, unknown>>, where: { file: string; line?: number }): Cell[][] {
  const out: Cell[][] = [];
  const task = (row.task as string | null) ?? null;
  const base = { task, origin: 'recorded', source_row: row.row_id as number, record_id: row.id as string, file: where.file, line: where.line ?? null };
  if (isObject(record.pdi)) {
    out.push(stepCells({ ...base, ...snapshotFields(record.pdi), attempt: (row.attempt as number | null) ?? null, seq: 0, kind: 'record' }));
  }
  const details = obj(record.details);
  const derived = Array.isArray(details.spark_attempts_json_derived) ? details.spark_attempts_json_derived : [];
  const pdi = obj(obj(details.spark_attempts_json).pdi);
  if (Array.isArray(pdi.history) && !derived.includes('pdi.history')) {
    pdi.history.forEach((snapshot, i) => {
      if (!isObject(snapshot)) return;
      const settings = { warmup: num(pdi.warmup), threshold: num(pdi.threshold) };
      out.push(stepCells({ ...base, ...settings, ...snapshotFields(snapshot), attempt: null, seq: i + 1, kind: 'history' }));
    });
  }
  return out;
}

function snapshotFields(s: Json): Partial<Record<StepColumn, Cell>> {
  const level = s.level === 'soft' || s.level === 'strong' ? s.level : null;
  const fields: Partial<Record<StepColumn, Cell>> = {
    step: int(s.step),
    proxy_exec: num(s.proxy_exec),
    proxy_plan: num(s.proxy_plan),
    proxy_oss: num(s.proxy_oss),
    raw_pdi: num(s.raw_pdi),
    weight: num(s.weight),
    weighted_pdi: num(s.weighted_pdi),
    triggered: bool(s.triggered),
    level,
    method: str(s.method),
    method_inferred: bool(s.method_inferred),
  };
  // A snapshot's own settings win over the task's; absent ones must not blank the task's out.
  if (num(s.warmup) !== null) fields.warmup = num(s.warmup);
  if (num(s.threshold) !== null) fields.threshold = num(s.threshold);
  return fields;
}

function stepCells(fields: Partial<Record<StepColumn, Cell>>): Cell[] {
  return STEP_COLUMNS.map(([name]) => fields[name] ?? null);
}

/** Keeps the first record of each id; later copies are reported and left out of every view. */
async function dropDuplicates(db: DuckDb, issues: ViewIssue[]): Promise<void> {
  const duplicates = await db.rows<{ row_id: number; id: string; file: string; line: number | null; first_file: string; first_line: number | null }>(`
    SELECT row_id, id, file, line, first_value(file) OVER w AS first_file, first_value(line) OVER w AS first_line
    FROM tk_trajectory
    WINDOW w AS (PARTITION BY id ORDER BY row_id)
    QUALIFY row_number() OVER w > 1
    ORDER BY row_id`);
  for (const d of duplicates) {
    const first = d.first_line === null ? d.first_file : `${d.first_file}:${d.first_line}`;
    issues.push({
      code: 'duplicate_id',
      severity: 'error',
      file: d.file,
      ...(d.line !== null && { line: d.line }),
      message: `record left out: id ${JSON.stringify(d.id)} was already read at ${first}`,
    });
  }
  await db.run('CREATE TABLE tk_dropped AS SELECT unnest($ids::INTEGER[]) AS row_id', { ids: duplicates.map((d) => d.row_id) });
  if (duplicates.length > 0) {
    await db.run('DELETE FROM tk_trajectory WHERE row_id IN (SELECT row_id FROM tk_dropped)');
    await db.run('DELETE FROM tk_step WHERE source_row IN (SELECT row_id FROM tk_dropped)');
  }
}

/** `trajectories`: every column from the Parquet file, without the rows left out as duplicates. */
function trajectoriesViewSql(parquet: string): string {
  return `CREATE OR REPLACE VIEW trajectories AS
SELECT ${TRAJECTORY_COLUMNS.map(([n]) => n).join(', ')} FROM read_parquet(${sqlPath(parquet)})
WHERE row_id NOT IN (SELECT row_id FROM tk_dropped)`;
}

/**
 * Reflected attempts per task in replay order (spec §6.5: up to the first PASS, skipping
 * execution failures and other infrastructure errors), numbered to pair with `pdi.history`.
 */
const REFLECTS = `
tk_reflect AS (
  SELECT task, attempt, row_number() OVER (PARTITION BY task ORDER BY attempt) AS seq
  FROM (
    SELECT task, attempt, pdi_kind,
           min(attempt) FILTER (WHERE status = 'PASS' OR coalesce(success, false)) OVER (PARTITION BY task) AS first_pass
    FROM tk_trajectory WHERE task IS NOT NULL AND attempt IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY task, attempt ORDER BY row_id) = 1)
  WHERE pdi_kind = 'reflect' AND (first_pass IS NULL OR attempt < first_pass)),
tk_history_counts AS (
  SELECT task, count(*) AS snapshots FROM tk_step WHERE kind = 'history' AND task NOT IN (SELECT task FROM tk_step WHERE kind = 'record' AND task IS NOT NULL) GROUP BY task),
tk_reflect_counts AS (SELECT task, count(*) AS reflects FROM tk_reflect GROUP BY task)`;

/**
 * `steps`: recorded snapshots of the records, else (tasks without a trajectory) the task's
 * `pdi.history` with attempts from the replay when the counts agree, plus recomputed rows.
 */
const STEPS_TABLE = `CREATE OR REPLACE TABLE steps AS
WITH ${REFLECTS},
chosen AS (
  SELECT s.*, (s.kind <> 'history' OR hc.snapshots = coalesce(rc.reflects, 0)) AS mappable
  FROM tk_step s
  LEFT JOIN tk_history_counts hc ON s.kind = 'history' AND hc.task = s.task
  LEFT JOIN tk_reflect_counts rc ON rc.task = s.task
  WHERE s.kind <> 'history' OR hc.task IS NOT NULL)
SELECT c.task, CASE WHEN c.kind = 'history' THEN (CASE WHEN c.mappable THEN r.attempt END) ELSE c.attempt END AS attempt,
       c.origin, c.step, c.proxy_exec, c.proxy_plan, c.proxy_oss, c.raw_pdi, c.weight, c.weighted_pdi, c.triggered, c.level,
       c.method, c.method_inferred, c.warmup, c.threshold, c.step_numbering,
       CASE c.kind WHEN 'record' THEN 'record.pdi' WHEN 'history' THEN 'attempts_json.pdi.history' ELSE 'batch_pdi:' || c.kind END AS from_field,
       c.record_id, c.file, c.line
FROM chosen c
LEFT JOIN tk_reflect r ON c.kind = 'history' AND r.task = c.task AND r.seq = c.seq
ORDER BY c.task, c.origin DESC, attempt NULLS LAST, c.seq`;

const UNMAPPED_HISTORY = `WITH ${REFLECTS}
SELECT h.task, h.snapshots::INTEGER AS snapshots, coalesce(r.reflects, 0)::INTEGER AS reflects
FROM tk_history_counts h LEFT JOIN tk_reflect_counts r USING (task)
WHERE h.snapshots <> coalesce(r.reflects, 0) ORDER BY h.task`;

const DUPLICATE_ATTEMPTS = `SELECT task, attempt, count(*)::INTEGER AS n FROM tk_trajectory
WHERE task IS NOT NULL AND attempt IS NOT NULL GROUP BY task, attempt HAVING count(*) > 1 ORDER BY task, attempt`;

/**
 * SQL creating an attempts table named `name`: one row per (task, attempt), the attempt's PDI
 * snapshot and the intervention its prompt carried (the level of the task's latest snapshot
 * before it, spec §7, unless PDI was disabled or observe-only), and the task's outcome. Bind
 * `$origin`: NULL takes each task's recorded steps (recomputed where none are recorded);
 * `'recorded'` or `'recomputed'` takes only that origin.
 */
export function attemptsTableSql(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain table name: ${name}`);
  return `CREATE OR REPLACE TABLE ${name} AS
WITH base AS (
  SELECT *, (status = 'PASS' OR coalesce(success, false)) AS passed
  FROM tk_trajectory WHERE task IS NOT NULL AND attempt IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY task, attempt ORDER BY row_id) = 1),
settings AS (
  SELECT task, coalesce(bool_and(pdi_enabled), true) AS enabled, coalesce(bool_or(pdi_observe_only), false) AS observe_only,
         max(max_attempts) AS max_attempts
  FROM base GROUP BY task),
pick AS (
  SELECT task, coalesce($origin::VARCHAR, CASE WHEN bool_or(origin = 'recorded') THEN 'recorded' ELSE 'recomputed' END) AS origin
  FROM steps GROUP BY task),
snap AS (
  SELECT s.* FROM steps s JOIN pick p ON p.task = s.task AND p.origin = s.origin
  WHERE s.attempt IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY s.task, s.attempt ORDER BY s.step DESC NULLS LAST) = 1),
joined AS (
  SELECT b.*, s.step, s.proxy_exec, s.proxy_plan, s.proxy_oss, s.raw_pdi, s.weight, s.weighted_pdi, s.triggered, s.level,
         s.origin AS pdi_origin,
         CASE WHEN st.enabled AND NOT st.observe_only AND prev.triggered THEN prev.level END AS intervention,
         prev.attempt AS intervention_from_attempt,
         st.max_attempts AS task_max_attempts
  FROM base b
  JOIN settings st ON st.task = b.task
  LEFT JOIN snap s ON s.task = b.task AND s.attempt = b.attempt
  ASOF LEFT JOIN snap prev ON prev.task = b.task AND b.attempt > prev.attempt),
task_facts AS (
  SELECT *,
         count(*) OVER t AS task_attempts,
         bool_or(passed) OVER t AS solved,
         min(attempt) FILTER (WHERE passed) OVER t AS first_pass_attempt,
         arg_max(status, attempt) OVER t AS last_status,
         max(attempt) OVER t AS last_attempt
  FROM joined WINDOW t AS (PARTITION BY task))
SELECT task, attempt, id, status, success, passed, reward, tests_passed AS n_passed, tests_total AS n_tests,
       step, proxy_exec, proxy_plan, proxy_oss, raw_pdi, weight, weighted_pdi, triggered, level, pdi_origin,
       intervention, intervention_from_attempt AS feedback_from_attempt,
       feedback_in_prompt,
       task_attempts::INTEGER AS task_attempts, task_max_attempts AS max_attempts, attempt = last_attempt AS is_last,
       solved, first_pass_attempt,
       CASE WHEN solved THEN 'PASS' ELSE last_status END AS final_status,
       CASE WHEN solved THEN 'solved' WHEN task_max_attempts IS NOT NULL AND task_attempts < task_max_attempts THEN 'stopped' ELSE 'unsolved' END AS final_outcome,
       model, file, line
FROM task_facts
ORDER BY task, attempt`;
}
