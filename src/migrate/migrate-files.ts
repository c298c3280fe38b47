import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { isHfUri } from '../hub/hf-uri.js';
import { expandInputs, type InputFile } from '../io/inputs.js';
import { compiledModuleUrl, linePoolAvailable, openLinePool, type LinePool } from '../io/parallel-lines.js';
import { assertReadableFile, DEFAULT_MAX_STRING_LENGTH, readFailedError, readRecords } from '../io/read-records.js';
import { recordFileType } from '../io/record-format.js';
import { trajectoryInputs } from '../lint/trajectory-files.js';
import { openRecordWriter, type RecordWriter } from '../io/record-writer.js';
import { configResolver, type LintConfig } from '../lint/config.js';
import type { LocatedFinding } from '../lint/lint-files.js';
import type { MigrateTarget } from './migrate-record.js';
import { createLineBatchTransform, lintConfigData, type MigratedBatch, type MigrateLinesInit } from './migrate-lines.js';
import { emptyTally, mergeTally, tallyRecord, type MigrationCounts, type MigrationTally, type TallyOptions } from './migration-tally.js';

/** A record that could not be read or migrated: it is not in the output, and this says why. */
export interface FailedRecord {
  file: string;
  line: number | null;
  index: number;
  /** JSON path inside the record, `""` for the whole record. */
  path: string;
  message: string;
}

/** Counts for one input file. */
export interface FileMigration {
  file: string;
  records: number;
  migrated: number;
  failed: number;
  /** Migrated records that still carry lint findings (keys that stayed in details, and why). */
  withFindings: number;
  /** Where this file's records went. */
  output?: string;
  /** In-place only: true when the file was rewritten (false: left untouched because a record failed). */
  rewritten?: boolean;
}

/** The outcome of {@link migrateFiles}. Counts are exact; lists stop at `maxFindings`. */
export interface MigrationReport extends MigrationCounts {
  to: MigrateTarget;
  files: number;
  byFile: FileMigration[];
  findings: LocatedFinding[];
  failures: FailedRecord[];
  truncated: boolean;
  /** Output files written (committed atomically). */
  outputs: string[];
}

export interface MigrateFilesOptions {
  /** One output file for all records (format from its name: .jsonl, .jsonl.gz, .json, .parquet). */
  out?: string;
  /** Rewrite each input file in place (atomically; a file with a failed record is left untouched). */
  inPlace?: boolean;
  /** Target version; default 1.6.0. */
  to?: MigrateTarget;
  /** One config for every file; default: the nearest config file per input. */
  config?: LintConfig;
  cwd?: string;
  /** Findings and failures to keep in the report (default 1000); counts stay exact. */
  maxFindings?: number;
  maxStringLength?: number;
  onProgress?: (progress: { file: string; fileIndex: number; fileCount: number; records: number }) => void;
  /**
   * Threads for JSON Lines in and out (`.jsonl`/`.ndjson`, gzipped or not), this one included:
   * lines are migrated in parallel batches (`threads - 1` worker threads, and this thread while
   * it would wait) and written in input order, with the same bytes and report as one thread.
   * 1 = this thread only. Default: one per core, for inputs of 8 MiB or more.
   */
  threads?: number;
  /** Parallel path: input bytes per batch handed to a thread (default 512 KiB). */
  batchBytes?: number;
}

const PROGRESS_EVERY = 64;
/** Smaller JSON Lines inputs stay on this thread: starting workers would cost more than it saves. */
const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;
const MIGRATE_LINES = compiledModuleUrl(new URL('./migrate-lines.js', import.meta.url));
/**
 * A worker's young generation at half V8's default (8 MB semi-spaces): each worker is a whole
 * V8 heap, and this keeps the peak RSS of the 512 MB benchmark run some 30 MB lower, at no CPU
 * cost the benchmark could measure.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 24 };

/**
 * Migrates every record of the given files (see `migrateRecord`), streaming, into one `out` file
 * or back into each input (`inPlace`). Output is written atomically (temp file, then rename);
 * inputs are never modified unless `inPlace` is set, and an in-place file with a record that
 * could not be read or migrated is left as it was (nothing is dropped). A record that fails is
 * reported with file, line and reason; the batch goes on.
 *
 * Large JSON Lines inputs written to JSON Lines are migrated on worker threads (see `threads`),
 * in batches merged back in input order: same output bytes, same report. A worker that crashes
 * throws `WorkerError` and the output is dropped as for any other error.
 */
export async function migrateFiles(paths: string[], options: MigrateFilesOptions): Promise<MigrationReport> {
  const to = options.to ?? '1.6.0';
  const maxFindings = options.maxFindings ?? 1000;
  if (!options.out === !options.inPlace) throw new UsageError('give exactly one of --out <file> or --in-place');
  if (options.inPlace) {
    const remote = paths.find(isHfUri);
    if (remote) throw new UsageError(`${remote}: cannot rewrite a Hub file in place; use --out`);
  }
  const configFor = configResolver({ explicit: options.config, cwd: options.cwd });
  const files: InputFile[] = [];
  for await (const file of expandInputs(paths, trajectoryInputs)) files.push(file);
  if (options.out) {
    const out = resolve(options.out);
    const clash = files.find((f) => resolve(f.path) === out);
    if (clash) throw new UsageError(`--out ${options.out} is also an input; use --in-place to rewrite inputs`);
  }

  // All files' counts and (capped) lists, merged file by file in input order.
  const run = emptyTally();
  const byFile: FileMigration[] = [];
  const outputs: string[] = [];

  const threads = options.threads;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new UsageError(`threads must be a whole number, 1 or more (got ${threads})`);
  let pool: LinePool<MigrateLinesInit, MigratedBatch> | undefined;
  const shared = options.out ? await openRecordWriter(options.out) : undefined;
  try {
    for (const [fileIndex, { path: file }] of files.entries()) {
      const config = await configFor(file);
      const summary: FileMigration = { file, records: 0, migrated: 0, failed: 0, withFindings: 0 };
      const writer: RecordWriter = shared ?? (await openRecordWriter(file));
      summary.output = writer.path;
      const tally = emptyTally();
      const progress = (records: number) => options.onProgress?.({ file, fileIndex, fileCount: files.length, records: run.records + records });
      try {
        const parallel = await threadsFor(file, writer, threads);
        if (parallel > 1) {
          // The calling thread is one of the `threads`: it migrates batches instead of waiting.
          pool ??= openLinePool<MigrateLinesInit, MigratedBatch>({
            module: MIGRATE_LINES,
            threads: parallel - 1,
            batchBytes: options.batchBytes,
            createLineBatchTransform,
            resourceLimits: WORKER_LIMITS,
          });
          const init: MigrateLinesInit = { to, config: lintConfigData(config), maxFindings, maxStringLength: options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH };
          await migrateInWorkers(pool, file, init, { to, config, maxFindings }, writer, tally, options.onProgress ? progress : undefined);
        } else {
          await migrateHere(file, { to, config, maxFindings }, options.maxStringLength, writer, tally, progress);
        }
        if (!shared) {
          // Never rewrite an input that would lose a record.
          if (tally.failed > 0) {
            await writer.abort();
            summary.rewritten = false;
          } else {
            await writer.close();
            summary.rewritten = true;
            outputs.push(writer.path);
          }
        }
      } catch (error) {
        if (!shared) await writer.abort();
        throw error;
      }
      summary.records = tally.records;
      summary.migrated = tally.migrated;
      summary.failed = tally.failed;
      summary.withFindings = tally.withFindings;
      byFile.push(summary);
      mergeTally(run, tally, { lines: 0, records: 0, file }, maxFindings);
      options.onProgress?.({ file, fileIndex, fileCount: files.length, records: run.records });
    }
    if (shared) {
      await shared.close();
      outputs.push(shared.path);
    }
  } catch (error) {
    await shared?.abort();
    throw error;
  } finally {
    await pool?.close();
  }
  return {
    to,
    files: files.length,
    records: run.records,
    migrated: run.migrated,
    failed: run.failed,
    withFindings: run.withFindings,
    errorCount: run.errorCount,
    warningCount: run.warningCount,
    byRule: run.byRule,
    from: run.from,
    byFile,
    findings: run.findings.map(({ file, line, index, finding }) => ({ file: file!, line, index, ...finding })),
    failures: run.failures.map(({ file, line, index, path, message }) => ({ file: file!, line, index, path, message })),
    truncated: run.truncated,
    outputs,
  };
}

/**
 * Threads for one file (this one included; 0 = the single-thread path): only JSON Lines in and
 * out (workers hand back finished lines), and by default only for files big enough to repay
 * starting the workers. One worker fewer than threads, because this thread works too: on two
 * cores, one worker plus this thread is as fast as two workers (which would leave this thread
 * mostly idle), and the benchmark's peak RSS was 50–70 MB lower (one V8 heap less).
 */
async function threadsFor(file: string, writer: RecordWriter, threads: number | undefined): Promise<number> {
  const type = recordFileType(file);
  if (threads === 1 || type?.format !== 'jsonl' || !writer.writeJsonLines) return 0;
  if (threads !== undefined) return threads;
  const cores = availableParallelism();
  if (cores < 2 || !linePoolAvailable(MIGRATE_LINES)) return 0;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return 0; // the reader reports why
  }
  // Gzipped JSON is typically 4–10× smaller; a rough guess is enough for this decision.
  return (type.gzip ? size * 4 : size) >= PARALLEL_MIN_BYTES ? cores : 0;
}

/** The single-thread path: any format, records read, migrated and written one by one. */
async function migrateHere(
  file: string,
  options: TallyOptions,
  maxStringLength: number | undefined,
  writer: RecordWriter,
  tally: MigrationTally,
  progress: (records: number) => void,
): Promise<void> {
  let pending: Promise<void> | undefined;
  try {
    for await (const item of readRecords(file, { maxStringLength })) {
      const record = tallyRecord(tally, { line: item.line ?? null, index: item.index, record: item.record, error: item.error }, options);
      if (record !== undefined) {
        // One write in flight while the next record is read and migrated: the disk and the
        // CPU work side by side, and waiting before the next write keeps backpressure.
        if (pending) await pending;
        pending = writer.write(record);
        pending.catch(() => {}); // awaited below; this only keeps Node from calling it unhandled meanwhile
      }
      if (tally.records % PROGRESS_EVERY === 0) progress(tally.records);
    }
    if (pending) await pending;
  } catch (error) {
    await pending?.catch(() => {});
    throw error;
  }
}

/**
 * The parallel path for JSON Lines: workers read, migrate and serialise batches of lines
 * (migrate-lines.ts); this thread merges their tallies and writes their bytes, in input order.
 */
async function migrateInWorkers(
  pool: LinePool<MigrateLinesInit, MigratedBatch>,
  file: string,
  init: MigrateLinesInit,
  options: TallyOptions,
  writer: RecordWriter,
  tally: MigrationTally,
  progress: ((records: number) => void) | undefined,
): Promise<void> {
  // Same errors as readRecords for a path that cannot be opened.
  await assertReadableFile(file);
  let lines = 0;
  for await (const item of pool.map(file, init, { gzip: recordFileType(file)?.gzip ?? false })) {
    if (item.kind === 'read-failed') {
      tallyRecord(tally, { line: null, index: tally.records, error: readFailedError(item.error) }, options);
      continue;
    }
    const before = tally.records;
    mergeTally(tally, item.value.tally, { lines, records: before }, options.maxFindings);
    lines += item.lines;
    if (item.value.tally.migrated > 0) await writer.writeJsonLines!(item.value.bytes, item.value.tally.migrated);
    if (progress && Math.floor(before / PROGRESS_EVERY) !== Math.floor(tally.records / PROGRESS_EVERY)) progress(tally.records);
  }
}
