import { isUtf8 } from 'node:buffer';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { sparkTaskToTrajectories, SPARK_FILES } from '../../converters/spark/import.js';
import type {
  JsonObject,
  SparkEventLine,
  SparkTaskInput,
  SparkTrajectory,
  SparkWarning,
  SparkWarningCode,
} from '../../converters/spark/types.js';
import { InputError } from '../errors.js';
import { isHfUri } from '../hub/hf-uri.js';
import { resolveHfPath } from '../hub/resolve-hf-path.js';
import { openRecordWriter, type RecordWriterOptions } from '../io/record-writer.js';
import { validateRecord } from '../schema/validate-record.js';
import { scanQuirkBytes, type QuirkHit, type QuirkKind } from './scan-quirk-bytes.js';

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

/** A task folder found under the import path. */
export interface SparkTaskFolder {
  /** Folder name = task name (spec §1). */
  task: string;
  dir: string;
  /** Which of the three files are present. */
  files: { trajectory: boolean; attempts: boolean; skill: boolean };
}

/** Warning codes that mean data was left out or altered (the CLI exits 1 when one occurs). */
export const LOSSY_SPARK_WARNINGS: ReadonlySet<SparkWarningCode> = new Set([
  'malformed_line',
  'malformed_file',
  'unreadable_file',
  'invalid_utf8',
  'invalid_record',
]);

const LARGE_LINE_BYTES = 512 * 1024;
const MAX_DEPTH = 4;

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
  let root = path;
  let revision = options.revision;
  if (isHfUri(path)) {
    const local = await resolveHfPath(path);
    if (local.length !== 1) {
      throw new InputError(path, `expected a dataset folder or one task folder, the path matches ${local.length} files`);
    }
    root = local[0];
    // The Hub cache keeps each revision under snapshots/<commit sha>/ (src/hub/cache-layout.ts).
    revision ??= /[\\/]snapshots[\\/]([0-9a-f]{40})(?:[\\/]|$)/.exec(root)?.[1];
  }

  const { folders, warnings } = await findSparkTasks(root);
  for (const warning of warnings) yield { kind: 'warning', warning };
  if (folders.length === 0) {
    throw new InputError(path, `no SPARK task folder found (a folder holding ${Object.values(SPARK_FILES).join(', ')})`);
  }

  // Task names must be unique for record ids to be: a second folder with the same name (two
  // model runs side by side) is named by its path under the import root instead.
  const seen = new Set<string>();
  const named = folders.map((folder) => {
    let task = folder.task;
    const duplicate = seen.has(task);
    if (duplicate) task = relative(root, folder.dir).split(sep).join('/');
    seen.add(task);
    return { folder: { ...folder, task }, duplicate };
  });
  const load = ({ folder, duplicate }: (typeof named)[number]) => {
    const items: SparkImportItem[] = [];
    const warn = (code: SparkWarningCode, file: string, line: number | undefined, message: string) => {
      items.push({ kind: 'warning', warning: { code, task: folder.task, file, ...(line !== undefined && { line }), message } });
    };
    if (duplicate) {
      warn('duplicate_task', '', undefined, `another task folder is also named "${basename(folder.dir)}"; this one is imported as task "${folder.task}"`);
    }
    return readSparkTask(folder, warn).then((input) => ({ input, items }));
  };

  // Read the next task while this one is converted and written: file I/O overlaps the CPU work.
  let next = load(named[0]);
  for (let index = 0; index < named.length; index++) {
    const { input, items } = await next;
    if (index + 1 < named.length) {
      next = load(named[index + 1]);
      next.catch(() => {}); // surfaced when awaited; a consumer that stops early must not see it unhandled
    }
    const task = input.task;
    if (revision !== undefined) input.revision = revision;
    const conversion = sparkTaskToTrajectories(input);
    for (const warning of conversion.warnings) items.push({ kind: 'warning', warning });
    yield* items;

    let written = 0;
    for (const record of conversion.records) {
      if (options.validate) {
        const verdict = validateRecord(record, 'adp@1.6.0');
        if (!verdict.valid) {
          const first = verdict.issues.find((i) => i.severity === 'error')!;
          yield {
            kind: 'warning',
            warning: {
              code: 'invalid_record',
              task,
              file: record.provenance.source_file ?? '',
              ...(record.provenance.line !== undefined && { line: record.provenance.line }),
              message: `${record.id} is not valid ADP 1.6.0 (${verdict.issues.length} issue(s); first: ${first.path || '(root)'}: ${first.message}); left out`,
            },
          };
          continue;
        }
      }
      written++;
      yield { kind: 'record', record };
    }
    yield { kind: 'task', task, attempts: conversion.attempts, records: written };
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
  const entries = await readdir(dir, { withFileTypes: true });
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

type Warn = (code: SparkWarningCode, file: string, line: number | undefined, message: string) => void;

/**
 * Reads one task folder into the converter's input, reporting (never throwing on) malformed
 * lines, unreadable files and encoding quirks.
 */
export async function readSparkTask(folder: SparkTaskFolder, warn: Warn): Promise<SparkTaskInput> {
  const input: SparkTaskInput = { task: folder.task };
  const { trajectory, attempts, skill } = folder.files;
  if (!trajectory) {
    warn(
      'missing_file',
      SPARK_FILES.trajectory,
      undefined,
      attempts
        ? 'no trajectory.jsonl (large files are missing from some copies): attempts imported from attempts.json only, without interaction content'
        : 'no trajectory.jsonl',
    );
  }
  if (!attempts) {
    warn('missing_file', SPARK_FILES.attempts, undefined, trajectory ? 'no attempts.json (a cancelled run writes none): attempts imported from trajectory.jsonl only' : 'no attempts.json');
  }

  if (trajectory) input.events = await readTrajectory(join(folder.dir, SPARK_FILES.trajectory), warn);
  if (attempts) {
    const bytes = await readBytes(join(folder.dir, SPARK_FILES.attempts), SPARK_FILES.attempts, warn);
    if (bytes !== undefined) {
      const text = decodeWhole(bytes, SPARK_FILES.attempts, warn);
      const hits = scanQuirkBytes(bytes);
      if (hits.length > 0) reportQuirks(hits, lineStartsOf(bytes), SPARK_FILES.attempts, warn);
      const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
      if (body !== text) warn('malformed_file', SPARK_FILES.attempts, 1, 'starts with a byte-order mark; ignored');
      try {
        const value: unknown = JSON.parse(body);
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) input.attemptsJson = value as JsonObject;
        else warn('malformed_file', SPARK_FILES.attempts, 1, 'is not a JSON object; not imported');
      } catch (error) {
        const message = (error as Error).message;
        const position = /position (\d+)/.exec(message)?.[1];
        warn('malformed_file', SPARK_FILES.attempts, position === undefined ? undefined : lineAt(body, Number(position)), `is not valid JSON (${message}); not imported`);
      }
    }
  }
  if (skill) {
    const bytes = await readBytes(join(folder.dir, SPARK_FILES.skill), SPARK_FILES.skill, warn);
    if (bytes !== undefined) {
      const hits = scanQuirkBytes(bytes, { raw: true });
      if (hits.length > 0) reportQuirks(hits, lineStartsOf(bytes), SPARK_FILES.skill, warn);
      input.skillMd = decodeWhole(bytes, SPARK_FILES.skill, warn);
    }
  }
  return input;
}

async function readTrajectory(file: string, warn: Warn): Promise<SparkEventLine[]> {
  const F = SPARK_FILES.trajectory;
  // A task's trajectory is a few MB at most (spec §9.5); reading it whole lets the quirk scan
  // run on bytes with native searches instead of a regex over every decoded line.
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    warn('unreadable_file', F, undefined, `could not be read (${(error as Error).message}); not imported`);
    return [];
  }
  const events: SparkEventLine[] = [];
  const lineStarts: number[] = [];
  for (let start = 0, lineNumber = 1; start < bytes.length; lineNumber++) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.length;
    lineStarts.push(start);
    const line = bytes.subarray(start, end);
    start = end + 1;
    const text = line.toString('utf8');
    if (text.trim().length === 0) {
      warn('blank_line', F, lineNumber, 'blank line; skipped');
      continue;
    }
    if (!isUtf8(line)) warn('invalid_utf8', F, lineNumber, 'bytes that are not valid UTF-8; decoded with U+FFFD replacements');
    if (line.length > LARGE_LINE_BYTES) {
      warn('large_line', F, lineNumber, `line of ${(line.length / 1024 / 1024).toFixed(2)} MB; imported whole`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      warn('malformed_line', F, lineNumber, `not valid JSON (${(error as Error).message}); line skipped, the rest of the task imports`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      warn('malformed_line', F, lineNumber, `not a JSON object (${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}); line skipped`);
      continue;
    }
    events.push({ line: lineNumber, event: value as JsonObject });
  }
  reportQuirks(scanQuirkBytes(bytes), lineStarts, F, warn);
  return events;
}

async function readBytes(file: string, name: string, warn: Warn): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    warn('unreadable_file', name, undefined, `could not be read (${(error as Error).message}); not imported`);
    return undefined;
  }
}

function decodeWhole(bytes: Buffer, name: string, warn: Warn): string {
  if (!isUtf8(bytes)) warn('invalid_utf8', name, undefined, 'bytes that are not valid UTF-8; decoded with U+FFFD replacements');
  return bytes.toString('utf8');
}

/** The 1-based line of character `index` in `text`. */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function lineStartsOf(bytes: Buffer): number[] {
  const starts = [0];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) starts.push(i + 1);
  return starts;
}

const QUIRK_TEXT: Record<QuirkKind, { code: SparkWarningCode; say: (n: number) => string }> = {
  c1: { code: 'mojibake', say: (n) => `${n} C1 control character(s) U+0080–U+009F (mojibake: UTF-8 decoded as Latin-1); kept exactly as read` },
  replacement: { code: 'replacement_char', say: (n) => `${n} U+FFFD replacement character(s) (bytes lost before the release); kept` },
  nul: { code: 'nul_char', say: (n) => `${n} NUL character(s) (\\u0000, also inside the nested Codex JSON); kept — unsafe for C strings and PostgreSQL text` },
  control: { code: 'control_char', say: (n) => `${n} other control character(s); kept` },
};

/** One warning per line and kind of quirk, in line order. */
function reportQuirks(hits: QuirkHit[], lineStarts: number[], file: string, warn: Warn): void {
  if (hits.length === 0) return;
  const counts = new Map<number, Map<QuirkKind, number>>();
  for (const hit of hits) {
    // The last line start at or before the offset.
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= hit.offset) lo = mid;
      else hi = mid - 1;
    }
    const line = lo + 1;
    let kinds = counts.get(line);
    if (!kinds) counts.set(line, (kinds = new Map()));
    kinds.set(hit.kind, (kinds.get(hit.kind) ?? 0) + 1);
  }
  for (const line of [...counts.keys()].sort((a, b) => a - b)) {
    for (const kind of ['c1', 'replacement', 'nul', 'control'] as const) {
      const n = counts.get(line)!.get(kind);
      if (n) warn(QUIRK_TEXT[kind].code, file, line, QUIRK_TEXT[kind].say(n));
    }
  }
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

/**
 * {@link importSpark} into one file (`.jsonl`, `.jsonl.gz`, `.json` or `.parquet`), written
 * atomically: nothing appears at `out` unless the whole import succeeded. `onWarning` sees each
 * warning as it happens (the CLI prints them).
 */
export async function importSparkToFile(
  path: string,
  out: string,
  options: ImportSparkOptions & { onWarning?: (warning: SparkWarning) => void; writer?: RecordWriterOptions } = {},
): Promise<ImportSparkSummary> {
  const writer = await openRecordWriter(out, { columns: SPARK_PARQUET_COLUMNS, ...options.writer });
  const summary: ImportSparkSummary = { tasks: 0, attempts: 0, trajectories: 0, warnings: [], lossy: false };
  try {
    for await (const item of importSpark(path, options)) {
      if (item.kind === 'record') {
        await writer.write(item.record);
        summary.trajectories++;
      } else if (item.kind === 'warning') {
        summary.warnings.push(item.warning);
        if (LOSSY_SPARK_WARNINGS.has(item.warning.code)) summary.lossy = true;
        options.onWarning?.(item.warning);
      } else {
        summary.tasks++;
        summary.attempts += item.attempts;
      }
    }
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return summary;
}

/** `task/file:line: message`, the one-line form of a warning. */
export function formatSparkWarning(warning: SparkWarning): string {
  const file = warning.file ? `/${warning.file}` : '';
  const line = warning.line !== undefined ? `:${warning.line}` : '';
  return `${warning.task}${file}${line}: ${warning.message}`;
}
