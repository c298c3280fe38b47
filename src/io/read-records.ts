import { createReadStream } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { readLines, type Line } from './read-lines.js';
import { readParquetJsonRows, type DuckDBSettings } from './parquet.js';
import { RECORD_FILE_SUFFIXES, recordFileType, type RecordFormat } from './record-format.js';
import { splitJsonValues } from './split-json-values.js';

/** Why a record could not be read. Stable strings: tests and tools may branch on them. */
export type RecordReadErrorCode =
  | 'json-syntax'
  | 'json-structure'
  | 'invalid-utf8'
  | 'nul-byte'
  | 'string-too-long'
  | 'read-failed';

/** A record that could not be read, and why, in words a person understands. */
export interface RecordReadError {
  code: RecordReadErrorCode;
  message: string;
  /** Where inside the record, as a dot path (`content[3].content`), when known. */
  path?: string;
}

/** One record of a file, or the reason the record at that place could not be read. */
export interface RecordItem {
  file: string;
  /** 1-based line where the record starts (absent for Parquet rows). */
  line?: number;
  /** 0-based position of the record in the file (array element, line with content, or row). */
  index: number;
  /** The parsed record; absent when `error` is set. */
  record?: unknown;
  error?: RecordReadError;
  /** Bytes of the record's text in the (decompressed) file, for progress; absent for Parquet. */
  byteLength?: number;
}

/** Options for {@link readRecords}. */
export interface ReadRecordsOptions {
  /** Container format; default: from the file name (see {@link recordFileType}). */
  format?: RecordFormat;
  /** Decompress with gunzip; default: when the name ends in `.gz`. */
  gzip?: boolean;
  /**
   * A record holding a string longer than this many characters is reported as bad instead of
   * being returned (default {@link DEFAULT_MAX_STRING_LENGTH}; `Infinity` turns the check off).
   */
  maxStringLength?: number;
  /** Parquet: keep top-level columns that are SQL NULL as `null` keys (default: omit them). */
  keepNullColumns?: boolean;
  /** Parquet: DuckDB threads and memory limit. */
  duckdb?: DuckDBSettings;
}

/** Default limit for one string inside a record: 1 MiB of characters. */
export const DEFAULT_MAX_STRING_LENGTH = 1024 * 1024;

/**
 * Streams the records of one file: `.json` (one object, or an array streamed element by
 * element), `.jsonl`/`.ndjson`, gzip of those, and `.parquet` (through DuckDB, chunk by chunk).
 * Memory holds one record at a time, never the file; for Parquet, one DuckDB scan chunk (up to
 * 2,048 rows, fewer when a row group is smaller), which is large when rows are large.
 *
 * A malformed record (bad JSON, a raw NUL, invalid UTF-8, an over-long string) yields an item
 * with `error` and reading goes on; blank lines in JSON Lines are not records. Throws
 * {@link InputError} only when the file cannot be opened or its type is unknown.
 */
export async function* readRecords(file: string, options: ReadRecordsOptions = {}): AsyncGenerator<RecordItem> {
  const type = recordFileType(file);
  const format = options.format ?? type?.format;
  if (format === undefined) {
    throw new InputError(file, `not a record file (expected a name ending in ${RECORD_FILE_SUFFIXES.join(', ')})`);
  }
  const gzip = options.gzip ?? type?.gzip ?? false;
  await assertReadableFile(file);
  const limit = options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH;

  if (format === 'parquet') {
    yield* readParquetRecords(file, limit, options);
    return;
  }

  let index = 0;
  try {
    if (format === 'jsonl') {
      for await (const line of readLines(file, { gzip })) {
        const item = parseJsonLine(line, limit);
        if (item === undefined) continue;
        yield { file, line: line.lineNumber, index: index++, byteLength: line.byteLength, ...item };
      }
    } else {
      for await (const slice of splitJsonValues(openBytes(file, gzip))) {
        index = slice.index + 1;
        if (slice.error !== undefined || slice.bytes === undefined) {
          yield { file, line: slice.line, index: slice.index, error: { code: 'json-structure', message: slice.error ?? 'broken JSON' } };
          continue;
        }
        const bytes = slice.bytes;
        if (!isUtf8(bytes)) {
          yield { file, line: slice.line, index: slice.index, byteLength: bytes.length, error: invalidUtf8Error(bytes.toString('utf8')) };
          continue;
        }
        const item = parseRecordText(bytes.toString('utf8'), bytes.length, limit, slice.line);
        yield { file, line: slice.line, index: slice.index, byteLength: bytes.length, ...item };
      }
    }
  } catch (error) {
    // A corrupt gzip stream or a read error part-way: report it as this file's last item.
    yield { file, index, error: readFailedError(error) };
  }
}

/**
 * One JSON Lines line as {@link readRecords} reads it: the record or why it is unreadable, or
 * `undefined` for a blank line (not a record). `firstLine` (default: line number 1) drops a
 * leading UTF-8 byte-order mark. Exported so parallel readers decode lines exactly the same way.
 */
export function parseJsonLine(
  line: Line,
  maxStringLength: number = DEFAULT_MAX_STRING_LENGTH,
  firstLine: boolean = line.lineNumber === 1,
): { record?: unknown; error?: RecordReadError } | undefined {
  if (line.invalidUtf8) return { error: invalidUtf8Error(line.text) };
  // Editors on Windows like to start UTF-8 files with a byte-order mark; JSON.parse does not.
  const text = firstLine && line.text.charCodeAt(0) === 0xfeff ? line.text.slice(1) : line.text;
  if (isBlank(text)) return undefined;
  return parseRecordText(text, line.byteLength, maxStringLength);
}

/** The error item's reason when a file stops part-way (a read error, corrupt or truncated gzip). */
export function readFailedError(error: unknown): RecordReadError {
  return { code: 'read-failed', message: `reading stopped: ${describeReadFailure(error)}` };
}

async function* readParquetRecords(file: string, limit: number, options: ReadRecordsOptions): AsyncGenerator<RecordItem> {
  let index = 0;
  try {
    for await (const row of readParquetJsonRows(file, options.duckdb)) {
      index = row.index + 1;
      const item = parseRecordText(row.json, row.json.length, limit);
      if (item.record !== undefined && !options.keepNullColumns) dropNullKeys(item.record);
      if (item.error?.code === 'json-syntax') {
        item.error.message = `row cannot be turned into JSON (NaN or Infinity in a float column?): ${item.error.message}`;
      }
      yield { file, index: row.index, ...item };
    }
  } catch (error) {
    yield { file, index, error: { code: 'read-failed', message: `cannot read Parquet: ${describeReadFailure(error)}` } };
  }
}

/** Throws {@link InputError} (missing, a directory, no permission) unless `file` can be read. */
export async function assertReadableFile(file: string): Promise<void> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new InputError(file, 'is a directory, not a file');
    await access(file, constants.R_OK);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(file, describeReadFailure(error), error);
  }
}

function openBytes(file: string, gzip: boolean): AsyncIterable<Buffer> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (!gzip) return raw;
  const gunzip: Readable = raw.pipe(createGunzip());
  raw.on('error', (error) => gunzip.destroy(error));
  return gunzip;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

/** Parses one record's JSON text; `firstLine` turns error positions into file lines. */
function parseRecordText(
  text: string,
  byteLength: number,
  maxStringLength: number,
  firstLine?: number,
): { record?: unknown; error?: RecordReadError } {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return { error: jsonSyntaxError(text, error, firstLine) };
  }
  // No string can be longer than the text it was parsed from, so most records skip the walk.
  if (byteLength > maxStringLength) {
    const found = findLongString(record, maxStringLength);
    if (found) {
      return {
        error: {
          code: 'string-too-long',
          path: found.path,
          message: `string of ${found.length.toLocaleString('en-US')} characters, over the limit of ${maxStringLength.toLocaleString('en-US')}`,
        },
      };
    }
  }
  return { record };
}

function jsonSyntaxError(text: string, error: unknown, firstLine: number | undefined): RecordReadError {
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    return {
      code: 'nul-byte',
      message: `raw NUL character (U+0000) at ${place(text, nul, firstLine)}; JSON must escape it as \\u0000`,
    };
  }
  const raw = error instanceof Error ? error.message : String(error);
  if (text.trim() === '') return { code: 'json-syntax', message: 'invalid JSON: empty value' };
  // V8 either names a position ("… in JSON at position 8") or quotes the text, which may be
  // megabytes long ("Unexpected token 'a', "abc…" is not valid JSON"): keep the words only.
  const positioned = /^(.*?)(?: in JSON)? at position (\d+)/s.exec(raw);
  if (positioned) return { code: 'json-syntax', message: `invalid JSON at ${place(text, Number(positioned[2]), firstLine)}: ${positioned[1]}` };
  const quoted = /^(Unexpected token .*?), (?:\.\.\.)?".*is not valid JSON$/s.exec(raw);
  const words = quoted ? quoted[1] : raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
  return { code: 'json-syntax', message: `invalid JSON: ${words}` };
}

/** "column 9" for one-line records, "line 12, column 5" when the record spans lines. */
function place(text: string, position: number, firstLine: number | undefined): string {
  let line = 0;
  let lineStart = 0;
  let newline = text.indexOf('\n');
  while (newline !== -1 && newline < position) {
    line++;
    lineStart = newline + 1;
    newline = text.indexOf('\n', lineStart);
  }
  const column = position - lineStart + 1;
  if (firstLine === undefined || (line === 0 && newline === -1)) return `column ${column}`;
  return `line ${firstLine + line}, column ${column}`;
}

function invalidUtf8Error(decoded: string): RecordReadError {
  const bad = decoded.indexOf('\ufffd');
  const where = bad === -1 ? '' : ` (first bad byte near column ${bad + 1})`;
  return { code: 'invalid-utf8', message: `not valid UTF-8${where}; re-encode the file as UTF-8` };
}

/** The first string longer than `limit`, depth first, with its dot path. */
function findLongString(value: unknown, limit: number): { path: string; length: number } | undefined {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.length > limit) return { path, length: current.length };
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: `${path}[${i}]` });
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        // Long keys count too: a 5 MB key is as bad as a 5 MB value.
        if (key.length > limit) return { path: path || '(keys)', length: key.length };
        stack.push({ value: (current as Record<string, unknown>)[key], path: joinPath(path, key) });
      }
    }
  }
  return undefined;
}

/** Appends a key to a dot path: `a.b`, or `a["odd key"]` (same rendering as schema issue paths). */
function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function dropNullKeys(record: unknown): void {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return;
  const object = record as Record<string, unknown>;
  for (const key of Object.keys(object)) if (object[key] === null) delete object[key];
}

function describeReadFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (message === 'unexpected end of file') return 'the gzip data is truncated (unexpected end of file)';
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return `the gzip data is corrupt (${message})`;
  }
  return message;
}
