import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** DuckDB settings for one Parquet read or write. */
export interface DuckDBSettings {
  /** DuckDB worker threads (default: DuckDB's own choice). */
  threads?: number;
  /** DuckDB memory limit, e.g. `"1GB"` (default: DuckDB's own choice). */
  memoryLimit?: string;
}

/** One Parquet row as JSON text (BLOBs, timestamps and the like already turned into JSON). */
export interface ParquetJsonRow {
  /** 0-based row number in the file. */
  index: number;
  /** The row as one JSON object; columns of DuckDB type JSON are embedded as JSON, not strings. */
  json: string;
}

/**
 * Column name → DuckDB type (`VARCHAR`, `JSON`, `BIGINT`, `JSON[]`, …): the Parquet schema of a
 * written file. Declared up front because DuckDB's auto-detection would union the keys of
 * free-form objects across rows into one STRUCT and pad every row with nulls.
 */
export type ParquetColumns = Record<string, string>;

// DuckDB is a native module of several megabytes: load it only when Parquet is actually used.
async function openDuckDB(settings: DuckDBSettings): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const duckdb = await import('@duckdb/node-api');
  const config: Record<string, string> = {};
  if (settings.threads !== undefined) config.threads = String(settings.threads);
  if (settings.memoryLimit !== undefined) config.memory_limit = settings.memoryLimit;
  const instance = await duckdb.DuckDBInstance.create(':memory:', config);
  const connection = await instance.connect();
  return { instance, connection };
}

function closeDuckDB(db: { instance: DuckDBInstance; connection: DuckDBConnection }): void {
  db.connection.closeSync();
  db.instance.closeSync();
}

/** SQL string literal (DuckDB quoting: single quotes doubled). */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Streams the rows of a Parquet file as JSON text, one DuckDB chunk (about 2,048 rows) at a time,
 * so memory follows the chunk, not the file. Row order is the file's order.
 */
export async function* readParquetJsonRows(file: string, settings: DuckDBSettings = {}): AsyncGenerator<ParquetJsonRow> {
  const db = await openDuckDB(settings);
  try {
    // to_json keeps JSON-typed columns as JSON (a VARCHAR column stays a string), so one
    // JSON.parse per row restores free-form objects exactly as they were written.
    const result = await db.connection.stream('SELECT to_json(t)::VARCHAR AS row FROM read_parquet($1) AS t', [file]);
    let index = 0;
    for await (const rows of result.yieldRowsJs()) {
      for (const [json] of rows) yield { index: index++, json: String(json) };
    }
  } finally {
    closeDuckDB(db);
  }
}

/** Options for {@link writeParquetFromNdjson}. */
export interface WriteParquetOptions extends DuckDBSettings {
  /** Parquet codec (default `zstd`). */
  compression?: 'zstd' | 'snappy' | 'gzip' | 'uncompressed';
  /** Longest NDJSON line in bytes, so DuckDB's per-object limit (16 MB by default) is raised to fit. */
  maxLineBytes?: number;
  /** Rows per Parquet row group (default: DuckDB's). */
  rowGroupSize?: number;
}

/**
 * Converts a newline-delimited JSON file to Parquet with exactly the given columns (keys not
 * listed are ignored by DuckDB, so callers check them first). `target` is written directly:
 * callers write to a temp path and rename.
 */
export async function writeParquetFromNdjson(
  ndjsonFile: string,
  target: string,
  columns: ParquetColumns,
  options: WriteParquetOptions = {},
): Promise<void> {
  const names = Object.keys(columns);
  if (names.length === 0) throw new Error('a Parquet file needs at least one column');
  const columnSpec = names.map((name) => `${sqlString(name)}: ${sqlString(columns[name])}`).join(', ');
  const maxObjectSize = Math.max(16 * 1024 * 1024, (options.maxLineBytes ?? 0) + 1024);
  const copyOptions = [`FORMAT parquet`, `COMPRESSION ${options.compression ?? 'zstd'}`];
  if (options.rowGroupSize !== undefined) copyOptions.push(`ROW_GROUP_SIZE ${Math.trunc(options.rowGroupSize)}`);
  // COPY takes no bound parameters, so paths and types go in as quoted literals.
  const sql =
    `COPY (SELECT * FROM read_json(${sqlString(ndjsonFile)}, format='newline_delimited', ` +
    `columns={${columnSpec}}, maximum_object_size=${maxObjectSize})) ` +
    `TO ${sqlString(target)} (${copyOptions.join(', ')})`;
  const db = await openDuckDB(options);
  try {
    await db.connection.run(sql);
  } finally {
    closeDuckDB(db);
  }
}
