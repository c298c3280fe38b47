import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { sparkTaskToTrajectories, SPARK_FILES } from '../../converters/spark/import.js';
import type {
  JsonObject,
  SparkEventLine,
  SparkTaskInput,
  SparkTrajectory,
  SparkWarning,
  SparkWarningCode,
} from '../../converters/spark/types.js';
import { scanQuirkBytes, type QuirkHit, type QuirkKind } from './scan-quirk-bytes.js';

/**
 * One SPARK task folder, read and converted: the unit of work of an import, run on the main
 * thread or in a worker (src/import/spark-worker.ts). Kept free of the CLI, Hub and writer
 * modules so a worker starts quickly.
 */

/** A task folder found under the import path. */
export interface SparkTaskFolder {
  /** Folder name = task name (spec §1). */
  task: string;
  dir: string;
  /** Which of the three files are present. */
  files: { trajectory: boolean; attempts: boolean; skill: boolean };
}

/** A task folder to import, with the task name its records will carry. */
export interface SparkTaskJob {
  folder: SparkTaskFolder;
  /** Another folder had the same name; this one is named by its path under the root. */
  duplicate: boolean;
  revision?: string;
  validate?: boolean;
}

/** What one task gave: its warnings (in the order they arose), records and attempt count. */
export interface SparkTaskResult {
  task: string;
  warnings: SparkWarning[];
  records: SparkTrajectory[];
  attempts: number;
}

const LARGE_LINE_BYTES = 512 * 1024;

/** Judges a record; the caller loads the validator only when asked to validate. */
export type SparkRecordValidator = (record: SparkTrajectory) => { valid: boolean; issues: { path: string; message: string; severity: string }[] };

/** The adp@1.6.0 validator, loaded on first use (the schemas take a while to build). */
export async function loadSparkValidator(): Promise<SparkRecordValidator> {
  const { validateRecord } = await import('../schema/validate-record.js');
  return (record) => validateRecord(record, 'adp@1.6.0');
}

/** Reads one task folder; the returned warnings start with those of reading. */
export async function loadSparkTask(job: SparkTaskJob): Promise<{ input: SparkTaskInput; warnings: SparkWarning[] }> {
  const { folder } = job;
  const warnings: SparkWarning[] = [];
  const warn = (code: SparkWarningCode, file: string, line: number | undefined, message: string) => {
    warnings.push({ code, task: folder.task, file, ...(line !== undefined && { line }), message });
  };
  if (job.duplicate) {
    warn('duplicate_task', '', undefined, `another task folder is also named "${basename(folder.dir)}"; this one is imported as task "${folder.task}"`);
  }
  const input = await readSparkTaskFiles(folder, warn);
  if (job.revision !== undefined) input.revision = job.revision;
  return { input, warnings };
}

/** Converts a loaded task, validating its records when given a validator (invalid ones are left out, with a warning). */
export function convertSparkTask(
  loaded: { input: SparkTaskInput; warnings: SparkWarning[] },
  validate?: SparkRecordValidator,
): SparkTaskResult {
  const task = loaded.input.task;
  const conversion = sparkTaskToTrajectories(loaded.input);
  const warnings = [...loaded.warnings, ...conversion.warnings];
  let records = conversion.records;
  if (validate) {
    records = records.filter((record) => {
      const verdict = validate(record);
      if (verdict.valid) return true;
      const first = verdict.issues.find((i) => i.severity === 'error')!;
      warnings.push({
        code: 'invalid_record',
        task,
        file: record.provenance.source_file ?? '',
        ...(record.provenance.line !== undefined && { line: record.provenance.line }),
        message: `${record.id} is not valid ADP 1.6.0 (${verdict.issues.length} issue(s); first: ${first.path || '(root)'}: ${first.message}); left out`,
      });
      return false;
    });
  }
  return { task, warnings, records, attempts: conversion.attempts };
}

/** Reads, converts and (optionally) validates one task folder: the unit of work of an import. */
export async function runSparkTaskJob(job: SparkTaskJob): Promise<SparkTaskResult> {
  const validator = job.validate ? await loadSparkValidator() : undefined;
  return convertSparkTask(await loadSparkTask(job), validator);
}

/** Reports a problem in a task's files. */
export type Warn = (code: SparkWarningCode, file: string, line: number | undefined, message: string) => void;

/**
 * Reads one task folder into the converter's input, reporting (never throwing on) malformed
 * lines, unreadable files and encoding quirks.
 */
export async function readSparkTaskFiles(folder: SparkTaskFolder, warn: Warn): Promise<SparkTaskInput> {
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
  surrogate: {
    code: 'lone_surrogate',
    say: (n) => `${n} escaped lone UTF-16 surrogate(s) (valid JSON, not valid Unicode); kept in JSON output, replaced by U+FFFD in Parquet`,
  },
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
    for (const kind of ['c1', 'replacement', 'nul', 'control', 'surrogate'] as const) {
      const n = counts.get(line)!.get(kind);
      if (n) warn(QUIRK_TEXT[kind].code, file, line, QUIRK_TEXT[kind].say(n));
    }
  }
}

