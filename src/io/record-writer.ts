import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { UsageError } from '../errors.js';
import { drained, openAtomicFile, tempPathFor, type AtomicFile } from './atomic-file.js';
import { writeParquetFromNdjson, type ParquetColumns, type WriteParquetOptions } from './parquet.js';
import { RECORD_FILE_SUFFIXES, recordFileType, type RecordFormat } from './record-format.js';

/** Options for {@link openRecordWriter}. */
export interface RecordWriterOptions {
  /** Container format; default: from the file name (`.jsonl`, `.jsonl.gz`, `.json`, `.parquet`, …). */
  format?: RecordFormat;
  /** Compress with gzip; default: when the name ends in `.gz`. Not for Parquet. */
  gzip?: boolean;
  /** `.json` only: indentation of the array (default 2, the ADP sample-file style; 0 = one line per record). */
  indent?: number;
  /**
   * Parquet only: the columns, name → DuckDB type (`VARCHAR`, `JSON`, `BIGINT`, …), in file
   * order. A record with a key not listed is refused rather than silently dropped. Default:
   * every top-level key seen, in first-seen order, typed `VARCHAR` when all its values are
   * strings and `JSON` otherwise.
   */
  columns?: ParquetColumns;
  /** Parquet only: codec, DuckDB threads and memory limit. */
  parquet?: Omit<WriteParquetOptions, 'maxLineBytes'>;
}

/** Writes records to one file; nothing appears at `path` until {@link RecordWriter.close} succeeds. */
export interface RecordWriter {
  readonly path: string;
  /** Records written so far. */
  readonly count: number;
  /** Appends one record (a JSON value; Parquet needs objects). Waits when the disk is slower. */
  write(record: unknown): Promise<void>;
  /**
   * JSON Lines writers only: appends `records` records already serialised the way `write` does
   * (`JSON.stringify(record)` then `\n`, UTF-8), e.g. by worker threads. Other formats lack it.
   */
  writeJsonLines?(bytes: Uint8Array, records: number): Promise<void>;
  /** Finishes the file and moves it into place atomically. */
  close(): Promise<void>;
  /** Drops everything written; `path` is left as it was. Safe to call more than once. */
  abort(): Promise<void>;
}

/**
 * Opens a record file for writing: `.jsonl`/`.ndjson` (optionally `.gz`), `.json` (one array)
 * or `.parquet` (through DuckDB, JSON columns for free-form objects). Writes go to a temp file
 * beside `path` and are renamed over it on `close()`, so readers never see a half-written file.
 */
export async function openRecordWriter(path: string, options: RecordWriterOptions = {}): Promise<RecordWriter> {
  const type = recordFileType(path);
  const format = options.format ?? type?.format;
  if (format === undefined) {
    throw new UsageError(`${path}: cannot tell the output format (expected a name ending in ${RECORD_FILE_SUFFIXES.join(', ')})`);
  }
  const gzip = options.gzip ?? type?.gzip ?? false;
  if (format === 'parquet') {
    if (gzip) throw new UsageError(`${path}: Parquet compresses its own data; do not gzip it`);
    return new ParquetRecordWriter(path, options);
  }
  const file = openAtomicFile(path, { gzip });
  return format === 'jsonl' ? new JsonLinesWriter(file) : new JsonArrayWriter(file, options.indent ?? 2);
}

function stringify(record: unknown, path: string, count: number, indent = 0): string {
  const text = indent > 0 ? JSON.stringify(record, null, indent) : JSON.stringify(record);
  // JSON.stringify returns undefined for undefined, functions and symbols.
  if (text === undefined) throw new UsageError(`${path}: record ${count} is not a JSON value (${typeof record})`);
  return text;
}

class JsonLinesWriter implements RecordWriter {
  count = 0;
  constructor(private readonly file: AtomicFile) {}
  get path(): string {
    return this.file.path;
  }
  async write(record: unknown): Promise<void> {
    await this.file.write(`${stringify(record, this.path, this.count)}\n`);
    this.count++;
  }
  async writeJsonLines(bytes: Uint8Array, records: number): Promise<void> {
    await this.file.write(bytes);
    this.count += records;
  }
  close(): Promise<void> {
    return this.file.commit();
  }
  abort(): Promise<void> {
    return this.file.abort();
  }
}

class JsonArrayWriter implements RecordWriter {
  count = 0;
  private readonly pad: string;
  constructor(
    private readonly file: AtomicFile,
    private readonly indent: number,
  ) {
    this.pad = ' '.repeat(indent);
  }
  get path(): string {
    return this.file.path;
  }
  async write(record: unknown): Promise<void> {
    let text = stringify(record, this.path, this.count, this.indent);
    // JSON text never holds a raw newline inside a string, so every \n here is layout.
    if (this.indent > 0) text = text.replaceAll('\n', `\n${this.pad}`);
    await this.file.write(`${this.count === 0 ? '[' : ','}\n${this.pad}${text}`);
    this.count++;
  }
  async close(): Promise<void> {
    await this.file.write(this.count === 0 ? '[]\n' : '\n]\n');
    await this.file.commit();
  }
  abort(): Promise<void> {
    return this.file.abort();
  }
}

/** Column types inferred from the records when none are declared. */
type Inferred = Map<string, 'VARCHAR' | 'JSON'>;

class ParquetRecordWriter implements RecordWriter {
  count = 0;
  private readonly ndjsonPath: string;
  private readonly stream: WriteStream;
  private readonly declared: ParquetColumns | undefined;
  private readonly inferred: Inferred = new Map();
  /** Keys seen only with null values so far: JSON unless a real value says otherwise. */
  private readonly nullOnly = new Set<string>();
  private failure: Error | undefined;
  private maxLineBytes = 0;
  private done = false;

  constructor(
    readonly path: string,
    private readonly options: RecordWriterOptions,
  ) {
    this.declared = options.columns;
    if (this.declared && Object.keys(this.declared).length === 0) throw new UsageError(`${path}: the Parquet column list is empty`);
    // The NDJSON staging file sits beside the target, so the same disk's space is checked.
    this.ndjsonPath = `${tempPathFor(path)}.ndjson`;
    this.stream = createWriteStream(this.ndjsonPath);
    this.stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  async write(record: unknown): Promise<void> {
    if (this.failure) throw this.failure;
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new UsageError(`${this.path}: record ${this.count} is not a JSON object; a Parquet row needs named columns`);
    }
    const object = record as Record<string, unknown>;
    if (this.declared) {
      for (const key of Object.keys(object)) {
        if (!(key in this.declared)) {
          throw new UsageError(`${this.path}: record ${this.count} has key "${key}", which is not one of the declared Parquet columns`);
        }
      }
    } else {
      for (const key of Object.keys(object)) {
        const value = object[key];
        if (value === null || value === undefined) {
          if (!this.inferred.has(key)) this.inferred.set(key, 'VARCHAR');
          this.nullOnly.add(key);
          continue;
        }
        const known = this.inferred.get(key);
        if (known === undefined || this.nullOnly.has(key)) {
          this.nullOnly.delete(key);
          this.inferred.set(key, typeof value === 'string' ? 'VARCHAR' : 'JSON');
        } else if (known === 'VARCHAR' && typeof value !== 'string') this.inferred.set(key, 'JSON');
      }
    }
    const line = `${stringify(record, this.path, this.count)}\n`;
    const bytes = Buffer.byteLength(line);
    if (bytes > this.maxLineBytes) this.maxLineBytes = bytes;
    if (!this.stream.write(line)) await drained(this.stream);
    if (this.failure) throw this.failure;
    this.count++;
  }

  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    const tempParquet = tempPathFor(this.path);
    try {
      const closed = once(this.stream, 'close');
      this.stream.end();
      await closed;
      if (this.failure) throw this.failure;
      const columns = this.declared ?? this.inferredColumns();
      await writeParquetFromNdjson(this.ndjsonPath, tempParquet, columns, { ...this.options.parquet, maxLineBytes: this.maxLineBytes });
      await rename(tempParquet, this.path);
    } finally {
      await rm(this.ndjsonPath, { force: true });
      await rm(tempParquet, { force: true });
    }
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.stream.destroy();
    await rm(this.ndjsonPath, { force: true });
  }

  private inferredColumns(): ParquetColumns {
    const columns: ParquetColumns = {};
    for (const [key, type] of this.inferred) columns[key] = this.nullOnly.has(key) ? 'JSON' : type;
    // No records, or records without keys: DuckDB still needs one column to write a file.
    if (Object.keys(columns).length === 0) columns.id = 'VARCHAR';
    return columns;
  }
}
