import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SPARK_FILES } from '../../converters/spark/import.js';
import type { SparkTrajectory, SparkWarning, SparkWarningCode } from '../../converters/spark/types.js';
import { InputError } from '../errors.js';
import { snapshotRevisionOf } from '../hub/cache-layout.js';
import { isHfUri } from '../hub/hf-uri.js';
import { openAtomicFile } from '../io/atomic-file.js';
import { recordFileType } from '../io/record-format.js';
import { openRecordWriter, type RecordWriterOptions } from '../io/record-writer.js';
import { replaceLoneSurrogates } from './replace-lone-surrogates.js';
import { convertSparkTask, loadSparkTask, loadSparkValidator, type SparkTaskFolder, type SparkTaskJob } from './spark-task.js';
import type { SparkWorkerRequest, SparkWorkerResponse } from './spark-worker.js';

export * from './spark-task.js';

/** Options of {@link importSpark} and {@link importSparkToFile}. */
export interface ImportSparkOptions {
  /** Dataset revision to record in `provenance.revision` (default: the Hub snapshot's, for `hf://` paths). */
  revision?: string;
  /**
   * Check every record with `validateRecord(record, "adp@1.6.0")` before yielding it; a record
   * that fails is reported (`invalid_record`) and left out. Off by default: the converter's
   * output is validated by the test suite on the real data, and validation costs about as
   * much as the import itself.
   */
  validate?: boolean;
}

/** One item of {@link importSpark}'s stream. */
export type SparkImportItem =
  | { kind: 'record'; record: SparkTrajectory }
  | { kind: 'warning'; warning: SparkWarning }
  /** Sent after each task's records: how many attempts it had and how many records came out. */
  | { kind: 'task'; task: string; attempts: number; records: number };

/** Warning codes that mean data was left out or altered (the CLI exits 1 when one occurs). */
export const LOSSY_SPARK_WARNINGS: ReadonlySet<SparkWarningCode> = new Set([
  'malformed_line',
  'malformed_file',
  'unreadable_file',
  'invalid_utf8',
  'invalid_record',
  'lone_surrogate_replaced',
]);

const MAX_DEPTH = 4;
const MAX_PENDING_WRITES = 8;

/** Where an import reads from: the local root, the revision and the task folders found there. */
interface SparkImportPlan {
  root: string;
  jobs: SparkTaskJob[];
  warnings: SparkWarning[];
}

async function planSparkImport(path: string, options: ImportSparkOptions): Promise<SparkImportPlan> {
  let root = path;
  let revision = options.revision;
  if (isHfUri(path)) {
    const { resolveHfPath } = await import('../hub/resolve-hf-path.js');
    const local = await resolveHfPath(path);
    if (local.length !== 1) {
      throw new InputError(path, `expected a dataset folder or one task folder, the path matches ${local.length} files`);
    }
    root = local[0];
    revision ??= snapshotRevisionOf(root);
  }
  const { folders, warnings } = await findSparkTasks(root);
  if (folders.length === 0) {
    throw new InputError(path, `no SPARK task folder found (a folder holding ${Object.values(SPARK_FILES).join(', ')})`);
  }
  // Task names must be unique for record ids to be: a second folder with the same name (two
  // model runs side by side) is named by its path under the import root instead.
  const seen = new Set<string>();
  const jobs = folders.map((folder): SparkTaskJob => {
    let task = folder.task;
    const duplicate = seen.has(task);
    if (duplicate) task = relative(root, folder.dir).split(sep).join('/');
    seen.add(task);
    return { folder: { ...folder, task }, duplicate, revision, validate: options.validate };
  });
  return { root, jobs, warnings };
}

/**
 * Imports SPARK_PDI_Trajectory (spec: ../shared/spec/spark.md; mapping: docs/spark.md) as ADP
 * 1.6.0 trajectories, one per attempt. `path` is a dataset root (`all_model_pdi/`), one task
 * folder, any folder above them, or an `hf://datasets/…` path. Streams task by task: memory
 * holds one task's files at a time, never the dataset.
 *
 * Yields records, warnings (task, file, line) and a `task` item after each task. Throws
 * {@link InputError} only when the path itself is unusable (missing, or no task folder in it).
 */
export async function* importSpark(path: string, options: ImportSparkOptions = {}): AsyncGenerator<SparkImportItem> {
  const plan = await planSparkImport(path, options);
  for (const warning of plan.warnings) yield { kind: 'warning', warning };
  const { jobs } = plan;
  const validator = options.validate ? await loadSparkValidator() : undefined;
  // Read the next task while this one is converted and written: file I/O overlaps the CPU work.
  let next = loadSparkTask(jobs[0]);
  for (let index = 0; index < jobs.length; index++) {
    const loaded = await next;
    if (index + 1 < jobs.length) {
      next = loadSparkTask(jobs[index + 1]);
      next.catch(() => {}); // surfaced when awaited; a consumer that stops early must not see it unhandled
    }
    const result = convertSparkTask(loaded, validator);
    for (const warning of result.warnings) yield { kind: 'warning', warning };
    for (const record of result.records) yield { kind: 'record', record };
    yield { kind: 'task', task: result.task, attempts: result.attempts, records: result.records.length };
  }
}

/**
 * The task folders under `root`, sorted by path: `root` itself when it holds a SPARK file,
 * else its subfolders (recursively, hidden entries skipped). A leaf folder with none of the
 * three files gives a `no_spark_files` warning.
 */
export async function findSparkTasks(root: string): Promise<{ folders: SparkTaskFolder[]; warnings: SparkWarning[] }> {
  let info;
  try {
    info = await stat(root);
  } catch (error) {
    throw new InputError(root, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : String((error as Error).message), error);
  }
  if (!info.isDirectory()) {
    throw new InputError(root, 'expected a folder (a SPARK dataset root or one task folder), found a file');
  }
  const folders: SparkTaskFolder[] = [];
  const warnings: SparkWarning[] = [];
  await visit(root, 0, folders, warnings, root);
  return { folders, warnings };
}

async function visit(dir: string, depth: number, folders: SparkTaskFolder[], warnings: SparkWarning[], root: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (dir === root) throw new InputError(root, `cannot list the folder (${(error as Error).message})`, error);
    const task = relative(root, dir).split(sep).join('/');
    warnings.push({ code: 'unreadable_file', task, file: '', message: `cannot list the folder (${(error as Error).message}); skipped` });
    return;
  }
  const names = new Set(entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name));
  const files = {
    trajectory: names.has(SPARK_FILES.trajectory),
    attempts: names.has(SPARK_FILES.attempts),
    skill: names.has(SPARK_FILES.skill),
  };
  if (files.trajectory || files.attempts || files.skill) {
    folders.push({ task: basename(dir), dir, files });
    return;
  }
  const subdirs = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (subdirs.length === 0 || depth >= MAX_DEPTH) {
    if (dir !== root) {
      warnings.push({
        code: 'no_spark_files',
        task: relative(root, dir).split(sep).join('/'),
        file: '',
        message: `folder without ${Object.values(SPARK_FILES).join(', ')}; skipped`,
      });
    }
    return;
  }
  for (const name of subdirs) await visit(join(dir, name), depth + 1, folders, warnings, root);
}

/** What {@link importSparkToFile} did. */
export interface ImportSparkSummary {
  /** Task folders imported. */
  tasks: number;
  /** Attempts found across the tasks. */
  attempts: number;
  /** Trajectories written. */
  trajectories: number;
  warnings: SparkWarning[];
  /** Whether some data was left out or altered (a warning in {@link LOSSY_SPARK_WARNINGS}). */
  lossy: boolean;
}

/**
 * Parquet columns of an imported file: the ADP root keys, free-form parts as DuckDB JSON, so the
 * schema is the same whatever the tasks hold.
 */
export const SPARK_PARQUET_COLUMNS: Record<string, string> = {
  schema_version: 'VARCHAR',
  id: 'VARCHAR',
  content: 'JSON',
  available_code_languages: 'JSON',
  provenance: 'JSON',
  task: 'JSON',
  outcome: 'JSON',
  artifacts: 'JSON',
  llm_calls: 'JSON',
  pdi: 'JSON',
  details: 'JSON',
};

/** Options of {@link importSparkToFile}. */
export interface ImportSparkToFileOptions extends ImportSparkOptions {
  /** Sees each warning as soon as its task is written (the CLI prints them). */
  onWarning?: (warning: SparkWarning) => void;
  /** Passed to `openRecordWriter` (Parquet settings and the like). */
  writer?: RecordWriterOptions;
  /**
   * Worker threads for JSON Lines output (`.jsonl`, `.jsonl.gz`): tasks are converted and
   * serialised in parallel and written in order, so the file is the same as with one thread.
   * Default: the machine's available parallelism (capped at 8); 1 = convert on this thread.
   * Other formats always use this thread.
   */
  threads?: number;
}

/** Rows per Parquet row group in SPARK imports (see importSparkToFile). */
const SPARK_PARQUET_ROW_GROUP = 256;

/**
 * {@link importSpark} into one file (`.jsonl`, `.jsonl.gz`, `.json` or `.parquet`), written
 * atomically: nothing appears at `out` unless the whole import succeeded.
 */
export async function importSparkToFile(path: string, out: string, options: ImportSparkToFileOptions = {}): Promise<ImportSparkSummary> {
  const type = recordFileType(out);
  const threads = Math.min(options.threads ?? availableParallelism(), 8);
  if (type?.format === 'jsonl' && options.writer === undefined && threads > 1 && existsSync(WORKER_FILE)) {
    return importSparkParallel(path, out, type.gzip, threads, options);
  }
  // SPARK records run to megabytes each. DuckDB reads a Parquet row group with one thread and
  // holds it whole, so small groups keep `trajkit pdi` over this file parallel and its memory
  // flat (bench/pdi.ts: one default 122,880-row group read at 0.9x the JSON.parse baseline and
  // near 1 GB; 256-row groups at 1.5x and about 440 MB).
  const writer = await openRecordWriter(out, {
    columns: SPARK_PARQUET_COLUMNS,
    ...options.writer,
    parquet: { rowGroupSize: SPARK_PARQUET_ROW_GROUP, ...options.writer?.parquet },
  });
  const parquet = (options.writer?.format ?? type?.format) === 'parquet';
  const summary: ImportSparkSummary = { tasks: 0, attempts: 0, trajectories: 0, warnings: [], lossy: false };
  // Records are handed to the writer without waiting for each one, so the disk writes them
  // while the next task converts. At most MAX_PENDING_WRITES wait at once: each pending write
  // listens on the file stream, and more than ten listeners make Node warn about a leak.
  const pending: Promise<void>[] = [];
  try {
    for await (const item of importSpark(path, options)) {
      if (item.kind === 'record') {
        if (parquet) {
          const warning = makeUtf8Safe(item.record);
          if (warning) note(summary, warning, options);
        }
        if (pending.length >= MAX_PENDING_WRITES) await pending.shift();
        const written = writer.write(item.record);
        written.catch(() => {}); // awaited later; a failure must not surface as unhandled first
        pending.push(written);
        summary.trajectories++;
      } else if (item.kind === 'warning') {
        note(summary, item.warning, options);
      } else {
        summary.tasks++;
        summary.attempts += item.attempts;
      }
    }
    await Promise.all(pending);
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return summary;
}

/** Parquet (UTF-8) cannot hold a lone surrogate: replace it with U+FFFD, and say so. */
function makeUtf8Safe(record: SparkTrajectory): SparkWarning | undefined {
  const changed = replaceLoneSurrogates(record);
  if (changed.length === 0) return undefined;
  const { provenance } = record;
  return {
    code: 'lone_surrogate_replaced',
    task: provenance.task ?? '',
    file: provenance.source_file ?? '',
    ...(provenance.line !== undefined && { line: provenance.line }),
    message: `${record.id}: ${changed.length} string(s) with a lone UTF-16 surrogate (first: ${changed[0]}) written with U+FFFD, which Parquet can hold; use JSON Lines to keep them`,
  };
}

function note(summary: ImportSparkSummary, warning: SparkWarning, options: ImportSparkToFileOptions): void {
  summary.warnings.push(warning);
  if (LOSSY_SPARK_WARNINGS.has(warning.code)) summary.lossy = true;
  options.onWarning?.(warning);
}

// Compiled next to this module; absent when the sources run untranspiled (then: one thread).
const WORKER_FILE = fileURLToPath(new URL('./spark-worker.js', import.meta.url));

/**
 * JSON Lines output with a pool of workers: each converts whole tasks and sends back their
 * serialised lines; this thread only writes them, in task order. At most a few tasks
 * (one more than the workers) are in flight, so memory stays bounded.
 */
async function importSparkParallel(
  path: string,
  out: string,
  gzip: boolean,
  threads: number,
  options: ImportSparkToFileOptions,
): Promise<ImportSparkSummary> {
  const plan = await planSparkImport(path, options);
  const summary: ImportSparkSummary = { tasks: 0, attempts: 0, trajectories: 0, warnings: [], lossy: false };
  for (const warning of plan.warnings) note(summary, warning, options);
  const { jobs } = plan;
  const file = openAtomicFile(out, { gzip });
  const workers = Array.from({ length: Math.min(threads, jobs.length) }, () => new Worker(WORKER_FILE));
  const results = new Map<number, SparkWorkerResponse>();
  let dispatched = 0;
  let written = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const dispatch = (worker: Worker) => {
    if (failure || dispatched >= jobs.length || dispatched - written > workers.length) return false;
    const request: SparkWorkerRequest = { index: dispatched, job: jobs[dispatched] };
    dispatched++;
    worker.postMessage(request);
    return true;
  };
  const idle = new Set<Worker>();
  let closing = false;
  for (const worker of workers) {
    worker.on('message', (response: SparkWorkerResponse) => {
      results.set(response.index, response);
      if (!dispatch(worker)) idle.add(worker);
      notify();
    });
    worker.on('error', (error) => {
      failure ??= error;
      notify();
    });
    worker.on('exit', (code) => {
      if (closing) return;
      failure ??= new Error(`an import worker stopped unexpectedly (exit code ${code})`);
      notify();
    });
    if (!dispatch(worker)) idle.add(worker);
  }
  try {
    while (written < jobs.length) {
      const response = results.get(written);
      if (failure) throw failure;
      if (!response) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      results.delete(written);
      written++;
      for (const worker of [...idle]) if (dispatch(worker)) idle.delete(worker);
      if (!response.ok) {
        const error = new Error(`${jobs[response.index].folder.task}: ${response.message}`);
        if (response.stack) error.stack = response.stack;
        throw error;
      }
      for (const warning of response.warnings) note(summary, warning, options);
      if (response.bytes.byteLength > 0) await file.write(response.bytes);
      summary.tasks++;
      summary.attempts += response.attempts;
      summary.trajectories += response.records;
    }
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  } finally {
    closing = true;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return summary;
}

/** `task/file:line: message`, the one-line form of a warning. */
export function formatSparkWarning(warning: SparkWarning): string {
  const file = warning.file ? `/${warning.file}` : '';
  const line = warning.line !== undefined ? `:${warning.line}` : '';
  return `${warning.task}${file}${line}: ${warning.message}`;
}
